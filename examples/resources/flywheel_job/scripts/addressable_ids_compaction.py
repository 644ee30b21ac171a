"""Compacts the raw addressable IDs under --input_path into Parquet under --output_path."""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input_path", "output_path"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

frame = glue.spark_session.read.option("header", "true").csv(args["input_path"])
frame.coalesce(16).write.mode("overwrite").parquet(args["output_path"])

job.commit()
