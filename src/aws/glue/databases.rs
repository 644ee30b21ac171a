//! Glue catalog databases: GetDatabase (with its tags, concurrently, on refresh: from the
//! tagging batch when it confirms what the state recorded, else GetTags),
//! CreateDatabase with tags, UpdateDatabase, tag changes from the tags the refresh read,
//! and DeleteDatabase.

use aws_sdk_glue::types::DatabaseInput;

use crate::aws::glue::tags as glue_tags;
use crate::aws::retry::{call, Op};
use crate::aws::{tagging, AwsContext, AwsError, ErrorKind};
use crate::model::pipeline::ObservedDatabase;
use crate::model::tags::{TagDelta, Tags};

fn input(name: &str, description: Option<&str>) -> Result<DatabaseInput, AwsError> {
    DatabaseInput::builder()
        .name(name)
        .set_description(description.map(str::to_string))
        .build()
        .map_err(|e| AwsError {
            service: "glue",
            operation: "CreateDatabase",
            target: name.to_string(),
            kind: ErrorKind::Validation,
            code: None,
            message: format!("building the request: {e}"),
            status: None,
        })
}

/// The database and its tags, or `None` when it does not exist. `expected`: the tags the
/// state recorded (a refresh), which a batched answer may confirm (`aws::tagging`).
pub async fn read(
    ctx: &AwsContext,
    name: &str,
    expected: Option<&Tags>,
) -> Result<Option<ObservedDatabase>, AwsError> {
    let arn = glue_tags::arn(ctx, "database", name);
    let (db, tags) = futures::join!(
        call(&ctx.retry, Op::new("glue", "GetDatabase", name), || {
            ctx.glue.get_database().name(name).send()
        }),
        tagging::glue_tags(ctx, &arn, expected),
    );
    let db = match db {
        Ok(o) => o.database,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(db) = db else { return Ok(None) };
    let tags = match tags {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(ObservedDatabase {
        description: db.description().map(str::to_string),
        tags,
    }))
}

pub async fn create(
    ctx: &AwsContext,
    name: &str,
    description: Option<&str>,
    tags: &Tags,
) -> Result<(), AwsError> {
    let input = input(name, description)?;
    call(&ctx.retry, Op::new("glue", "CreateDatabase", name), || {
        ctx.glue
            .create_database()
            .database_input(input.clone())
            .set_tags(Some(tags.clone().into_iter().collect()))
            .send()
    })
    .await
    .map(|_| ())
}

/// Sets the description (when it differs), then applies the tag change.
pub async fn update(
    ctx: &AwsContext,
    name: &str,
    description: Option<&str>,
    description_differs: bool,
    tags: &TagDelta,
) -> Result<(), AwsError> {
    if description_differs {
        let input = input(name, Some(description.unwrap_or("")))?;
        call(&ctx.retry, Op::new("glue", "UpdateDatabase", name), || {
            ctx.glue
                .update_database()
                .name(name)
                .database_input(input.clone())
                .send()
        })
        .await?;
    }
    glue_tags::change(ctx, &glue_tags::arn(ctx, "database", name), tags).await
}

/// How many tables the database holds, and the names of the first `sample` of them
/// (GetTables, 100 a page). A database already gone holds none.
pub async fn tables(
    ctx: &AwsContext,
    database: &str,
    sample: usize,
) -> Result<(usize, Vec<String>), AwsError> {
    let mut count = 0;
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = match call(&ctx.retry, Op::new("glue", "GetTables", database), || {
            ctx.glue
                .get_tables()
                .database_name(database)
                .max_results(100)
                .set_next_token(token.clone())
                .send()
        })
        .await
        {
            Ok(p) => p,
            Err(e) if e.is_not_found() => return Ok((0, Vec::new())),
            Err(e) => return Err(e),
        };
        for t in page.table_list() {
            count += 1;
            if names.len() < sample {
                names.push(t.name().to_string());
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok((count, names)),
        }
    }
}

/// Deletes the database (Glue deletes its tables with it); one already gone is fine.
pub async fn delete(ctx: &AwsContext, name: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("glue", "DeleteDatabase", name), || {
        ctx.glue.delete_database().name(name).send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}
