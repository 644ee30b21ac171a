"""Infobase cleanroom from CSV.

Builds the cleanroom table of infobase attributes that partners may query. It reads the CSV
deliveries under --input_path that arrived since its last successful run (Glue job
bookmarks), keeps only the columns listed in --columns_file (one per line, in
support_files/), cleans the values (trimmed, empty strings become null, rows without an ID
are dropped) and writes parquet under --output_path, creating or updating the table
--catalog_table in --catalog_database in the same step.

Arguments (job arguments in Terraform):
  --input_path        s3:// prefix of the CSV deliveries (required)
  --output_path       s3:// prefix of the cleanroom table's data (required)
  --catalog_database  Glue database of the cleanroom table (required)
  --catalog_table     name of the cleanroom table (required)
  --columns_file      s3:// URI of the allow-list of columns; without it every column is kept
  --id_column         the individual's ID (default infobase_id)
  --separator         CSV field separator (default ,)
"""

import re
import sys
from datetime import datetime, timezone

from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

DEFAULTS = {
    "columns_file": "",
    "id_column": "infobase_id",
    "separator": ",",
}


def resolve_arguments(argv):
    """Required arguments, plus optional ones with their defaults."""
    args = getResolvedOptions(
        argv, ["JOB_NAME", "input_path", "output_path", "catalog_database", "catalog_table"]
    )
    present = [name for name in DEFAULTS if f"--{name}" in argv]
    optional = getResolvedOptions(argv, present) if present else {}
    for name, default in DEFAULTS.items():
        args[name] = optional.get(name, default)
    return args


def snake_case(name):
    """`Household Income ($)` -> `household_income`: names Athena and Clean Rooms accept."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def allowed_columns(spark_context, columns_file):
    """The allow-list: one column per line; blank lines and `#` comments are ignored."""
    if not columns_file:
        return None
    lines = spark_context.textFile(columns_file).collect()
    return [snake_case(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def clean(df, id_column):
    """Trim every string, turn empty strings into nulls, drop rows without an ID."""
    for field in df.schema.fields:
        if isinstance(field.dataType, StringType):
            trimmed = F.trim(F.col(field.name))
            df = df.withColumn(field.name, F.when(trimmed == "", None).otherwise(trimmed))
    return df.where(F.col(id_column).isNotNull()).dropDuplicates([id_column])


def main():
    args = resolve_arguments(sys.argv)
    id_column = snake_case(args["id_column"])

    spark_context = SparkContext.getOrCreate()
    glue_context = GlueContext(spark_context)
    logger = glue_context.get_logger()
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    deliveries = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [args["input_path"]], "recurse": True},
        format="csv",
        format_options={"withHeader": True, "separator": args["separator"]},
        transformation_ctx="infobase_csv_deliveries",
    ).toDF()
    if deliveries.rdd.isEmpty():
        logger.info("No new CSV deliveries since the last run; the cleanroom table is current.")
        job.commit()
        return
    df = deliveries.toDF(*[snake_case(c) for c in deliveries.columns])

    keep = allowed_columns(spark_context, args["columns_file"])
    if keep is not None:
        if id_column not in keep:
            keep = [id_column] + keep
        missing = [c for c in keep if c not in df.columns]
        if missing:
            raise ValueError(f"columns_file lists {missing}, which the CSV does not have")
        df = df.select(*keep)
    elif id_column not in df.columns:
        raise ValueError(f"input has no {id_column!r} column; columns are {df.columns}")

    run_date = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    cleanroom = clean(df, id_column).withColumn("run_date", F.lit(run_date))

    # Write the data and create or update the catalog table (and its new partition) at once.
    sink = glue_context.getSink(
        connection_type="s3",
        path=args["output_path"],
        enableUpdateCatalog=True,
        updateBehavior="UPDATE_IN_DATABASE",
        partitionKeys=["run_date"],
        transformation_ctx="infobase_cleanroom_sink",
    )
    sink.setCatalogInfo(
        catalogDatabase=args["catalog_database"], catalogTableName=args["catalog_table"]
    )
    sink.setFormat("glueparquet", compression="snappy")
    sink.writeFrame(DynamicFrame.fromDF(cleanroom, glue_context, "infobase_cleanroom"))
    logger.info(
        f"Updated {args['catalog_database']}.{args['catalog_table']} for {run_date} "
        f"from {args['input_path']}."
    )

    job.commit()


if __name__ == "__main__":
    main()
