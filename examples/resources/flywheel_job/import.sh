# A Glue job is imported by its name. The local `script` path and the `pipeline` object
# cannot be read back from AWS: the first plan after import records them in state as an
# in-place update that makes no AWS call (as with aws_s3_object's `source`).
terraform import flywheel_job.addressable_ids_compaction etl-omc-flywheel-prod-addressable-ids-compaction
