# A pipeline is imported by an ID that names each of its children (the resource's `id`):
#   name=<name>[,environment=<env>],role=<role>,database=<database>,
#   data_bucket=<bucket>,assets_bucket=<bucket>,analysis_bucket=<bucket>[,adopted=<blocks>]
# Names left out take their defaults; `adopted` lists the buckets with `create = false`,
# joined with "+". The `alerts` block is read back from the alert objects under the
# pipeline's names (topic, rules, alarms, budget, dashboard); email subscriptions of a topic
# given by `sns_topic_arn` are not (they cannot be told from the topic owner's), so a
# configuration listing some plans them into the state, with no AWS change. After the
# import, the configuration above plans no changes.
terraform import flywheel_pipeline.prod 'name=omc-flywheel,environment=prod,role=omc_flywheel-prod-glue-role,database=omc_flywheel_prod,data_bucket=omc-flywheel-data-us-east-1-prod,assets_bucket=aws-glue-assets-239083076653-us-east-1,analysis_bucket=omc-flywheel-prod-analysis-data,adopted=data_bucket'
