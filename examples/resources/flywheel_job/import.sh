# A Glue job is imported by its name.
terraform import flywheel_job.addressable_ids_compaction etl-omc-flywheel-prod-addressable-ids-compaction
