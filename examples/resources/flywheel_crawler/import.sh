# A Glue crawler is imported by its name. Its after-job trigger (<name>-after-job), if any,
# is read back into run_after_job.
terraform import flywheel_crawler.raw_input_addressable crw-omc-flywheel-prod-raw-input-addressable
