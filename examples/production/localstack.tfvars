# Apply this production environment to a local AWS emulator (LocalStack Pro, which serves
# Glue, or the moto-based emulator in test-fixtures/) instead of AWS:
#
#   export AWS_ACCESS_KEY_ID=239083076653 AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
#   terraform init
#   terraform apply -var-file=localstack.tfvars
#
# A 12-digit access key ID makes the emulator answer as that account (LocalStack's
# convention), so allowed_account_ids = ["239083076653"] holds there too. S3 is addressed
# by path because the endpoint is overridden.
endpoint = "http://127.0.0.1:4566"

# The emulator starts empty: create the buckets, and let destroy empty them.
adopt_existing_buckets = false
force_destroy          = true

# The emulator keeps the subscription pending, as AWS does until the mail is confirmed.
alert_emails = ["data-oncall@example.com"]
