//! Resources, one file per Terraform type. Each file holds the schema, validation, and the
//! mapping between Terraform values and the model; AWS calls live in `crate::aws`.

use std::collections::HashMap;

use tf_provider::DynamicResource;

use crate::aws::SharedContext;

pub mod context;
pub mod crawler;
pub mod generate;
pub mod identity;
pub mod job;
pub mod managed;
pub mod moved;
pub mod pipeline;

/// Every resource type, keyed by its name without the `flywheel_` prefix.
pub fn all(ctx: &SharedContext) -> HashMap<String, Box<dyn DynamicResource>> {
    let mut m: HashMap<String, Box<dyn DynamicResource>> = HashMap::new();
    m.insert("job".into(), Box::new(job::JobResource::new(ctx.clone())));
    m.insert(
        "pipeline".into(),
        Box::new(pipeline::PipelineResource::new(ctx.clone())),
    );
    m.insert(
        "crawler".into(),
        Box::new(crawler::CrawlerResource::new(ctx.clone())),
    );
    m
}
