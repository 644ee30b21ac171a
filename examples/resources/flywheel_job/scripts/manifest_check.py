"""Checks that last night's input landed: lists the day's prefix and fails if it is empty."""
import sys

import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["input_path"])
bucket, _, prefix = args["input_path"].removeprefix("s3://").partition("/")
listed = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
if listed.get("KeyCount", 0) == 0:
    sys.exit(f"nothing under {args['input_path']}")
