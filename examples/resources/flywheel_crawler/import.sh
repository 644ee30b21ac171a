# A Glue crawler is imported by its name. Its after-job trigger (<name>-after-job), if any,
# is read back into run_after_job unless another instance's flywheel:owner tag is on it.
# Glue reports the role by name (path/name); it reads back as the role's ARN in the
# provider's account. The configuration reads back in jsonencode's form (keys sorted, Glue's
# defaults dropped), and a schedule as Glue's cron expression. Only these can differ after
# import, as an in-place update in the first plan that makes no AWS call: the `pipeline`
# object, a configuration written in another JSON spelling, a rate(...) schedule, and the
# apply-time settings running_crawler_timeout and stop_running_crawler, which AWS does not hold.
# Importing claims the crawler: it gets an owner_id (the crawler's own flywheel:owner tag
# when it has one) and the first apply writes the ownership tags. Import only a crawler no
# other Terraform state manages: if another state does, both will manage it.
terraform import flywheel_crawler.raw_input_addressable crw-omc-flywheel-prod-raw-input-addressable
