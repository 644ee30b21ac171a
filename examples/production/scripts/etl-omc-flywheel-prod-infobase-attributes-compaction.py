"""Infobase attributes compaction.

Infobase attribute deliveries land under --input_path (opus/infobase_attributes/raw_input/)
as CSV files with a header row, one record per individual and delivery. This job reads the
deliveries that arrived since its last successful run (Glue job bookmarks), keeps the latest
record of each individual, and writes the result as parquet under --output_path
(omc_cleanroom_data/infobase_attributes/infobase_attributes_compaction_cr/), clustered by
ID into --output_files files per run date. A crawler catalogs the result.

Arguments (job arguments in Terraform):
  --input_path        s3:// prefix of the raw deliveries (required)
  --output_path       s3:// prefix of the compacted output (required)
  --input_format      csv (default) or parquet
  --id_column         the individual's ID (default infobase_id)
  --order_column      the column whose highest value is the latest record (default delivery_date)
  --output_files      number of parquet files per run (default 48)
"""

import re
import sys
from datetime import datetime, timezone

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import Window
from pyspark.sql import functions as F

DEFAULTS = {
    "input_format": "csv",
    "id_column": "infobase_id",
    "order_column": "delivery_date",
    "output_files": "48",
}


def resolve_arguments(argv):
    """Required arguments, plus optional ones with their defaults."""
    args = getResolvedOptions(argv, ["JOB_NAME", "input_path", "output_path"])
    present = [name for name in DEFAULTS if f"--{name}" in argv]
    optional = getResolvedOptions(argv, present) if present else {}
    for name, default in DEFAULTS.items():
        args[name] = optional.get(name, default)
    return args


def snake_case(name):
    """`Household Income ($)` -> `household_income`: names Athena and the crawler accept."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def read_new_deliveries(glue_context, path, input_format):
    format_options = {"withHeader": True, "separator": ","} if input_format == "csv" else {}
    frame = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [path], "recurse": True},
        format=input_format,
        format_options=format_options,
        transformation_ctx="raw_infobase_attributes",
    )
    df = frame.toDF()
    return df.toDF(*[snake_case(c) for c in df.columns])


def latest_per_id(df, id_column, order_column):
    """One row per ID: the one with the highest order_column (ties: any one of them)."""
    if order_column not in df.columns:
        return df.dropDuplicates([id_column])
    newest_first = Window.partitionBy(id_column).orderBy(F.col(order_column).desc_nulls_last())
    return (
        df.withColumn("_rank", F.row_number().over(newest_first))
        .where(F.col("_rank") == 1)
        .drop("_rank")
    )


def main():
    args = resolve_arguments(sys.argv)
    id_column = snake_case(args["id_column"])
    order_column = snake_case(args["order_column"])

    spark_context = SparkContext.getOrCreate()
    glue_context = GlueContext(spark_context)
    logger = glue_context.get_logger()
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    raw = read_new_deliveries(glue_context, args["input_path"], args["input_format"])
    if raw.rdd.isEmpty():
        logger.info("No new infobase deliveries since the last run; nothing to compact.")
        job.commit()
        return
    if id_column not in raw.columns:
        raise ValueError(f"input has no {id_column!r} column; columns are {raw.columns}")

    run_date = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    attributes = (
        latest_per_id(raw.where(F.col(id_column).isNotNull()), id_column, order_column)
        .withColumn("run_date", F.lit(run_date))
    )

    (
        attributes.repartition(int(args["output_files"]), id_column)
        .sortWithinPartitions(id_column)
        .write.mode("append")
        .partitionBy("run_date")
        .option("compression", "snappy")
        .parquet(args["output_path"])
    )
    logger.info(f"Wrote compacted infobase attributes for {run_date} to {args['output_path']}.")

    job.commit()


if __name__ == "__main__":
    main()
