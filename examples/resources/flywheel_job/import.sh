# A Glue job is imported by its name. The local `script` path and the `pipeline` object
# cannot be read back from AWS: the first plan after import records them in state as an
# in-place update that makes no AWS call (as with aws_s3_object's `source`).
# Importing claims the job: it gets an owner_id (the job's own flywheel:owner tag when it has
# one) and the first apply writes the ownership tags on the job, its <name>-schedule trigger
# and its script. Import only a job no other Terraform state manages: if another state does,
# both will manage it.
terraform import flywheel_job.addressable_ids_compaction etl-omc-flywheel-prod-addressable-ids-compaction
