"""Addressable IDs compaction.

Raw addressable-ID drops land under --input_path (opus/addressable_ids/raw_input/) as many
small files. This job reads the files that arrived since its last successful run (Glue job
bookmarks), normalises the IDs, removes duplicates and rewrites them as a few large
snappy-compressed parquet files under --output_path (omc_cleanroom_data/addressable/
addressable_ids_compaction_cr/), one partition per run date. A crawler catalogs the result.

Arguments (job arguments in Terraform):
  --input_path        s3:// prefix of the raw drops (required)
  --output_path       s3:// prefix of the compacted output (required)
  --input_format      parquet (default), csv or json
  --key_columns       comma-separated columns that identify an ID (default addressable_id,id_type)
  --rows_per_file     target rows per output file (default 5000000)
"""

import sys
from datetime import datetime, timezone

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

DEFAULTS = {
    "input_format": "parquet",
    "key_columns": "addressable_id,id_type",
    "rows_per_file": "5000000",
}


def resolve_arguments(argv):
    """Required arguments, plus optional ones with their defaults."""
    args = getResolvedOptions(argv, ["JOB_NAME", "input_path", "output_path"])
    present = [name for name in DEFAULTS if f"--{name}" in argv]
    optional = getResolvedOptions(argv, present) if present else {}
    for name, default in DEFAULTS.items():
        args[name] = optional.get(name, default)
    return args


def read_new_files(glue_context, path, input_format):
    """The raw files added since the last successful run (the transformation_ctx keys the bookmark)."""
    format_options = {"withHeader": True} if input_format == "csv" else {}
    frame = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [path], "recurse": True},
        format=input_format,
        format_options=format_options,
        transformation_ctx="raw_addressable_ids",
    )
    return frame.toDF()


def normalise(df, key_columns):
    """Trimmed, lower-case keys; rows without a complete key are dropped."""
    for column in key_columns:
        df = df.withColumn(column, F.lower(F.trim(F.col(column).cast("string"))))
    complete = F.lit(True)
    for column in key_columns:
        complete = complete & F.col(column).isNotNull() & (F.col(column) != "")
    return df.where(complete)


def output_partitions(row_count, rows_per_file):
    """Enough files to keep each near rows_per_file, and at least one."""
    return max(1, -(-row_count // rows_per_file))


def main():
    args = resolve_arguments(sys.argv)
    key_columns = [c.strip() for c in args["key_columns"].split(",") if c.strip()]

    spark_context = SparkContext.getOrCreate()
    glue_context = GlueContext(spark_context)
    logger = glue_context.get_logger()
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    raw = read_new_files(glue_context, args["input_path"], args["input_format"])
    if raw.rdd.isEmpty():
        logger.info("No new addressable ID files since the last run; nothing to compact.")
        job.commit()
        return

    missing = [c for c in key_columns if c not in raw.columns]
    if missing:
        raise ValueError(f"input has no column(s) {missing}; columns are {raw.columns}")

    run_date = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    ids = (
        normalise(raw, key_columns)
        .dropDuplicates(key_columns)
        .withColumn("run_date", F.lit(run_date))
        .cache()
    )
    row_count = ids.count()
    files = output_partitions(row_count, int(args["rows_per_file"]))
    logger.info(f"Compacting {row_count} distinct addressable IDs into {files} parquet file(s).")

    (
        ids.repartition(files)
        .write.mode("append")
        .partitionBy("run_date")
        .option("compression", "snappy")
        .parquet(args["output_path"])
    )

    job.commit()


if __name__ == "__main__":
    main()
