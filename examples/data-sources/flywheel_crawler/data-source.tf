# A crawler's definition, state and last crawl, for example to check what a crawl of the
# raw inputs did to the catalog.
data "flywheel_crawler" "addressable_raw" {
  name = "crw-omc-flywheel-prod-raw-input-addressable"
}

output "addressable_raw_state" {
  value = data.flywheel_crawler.addressable_raw.state
}

output "addressable_raw_last_crawl" {
  # Null before the first crawl.
  value = data.flywheel_crawler.addressable_raw.last_crawl == null ? null : {
    status  = data.flywheel_crawler.addressable_raw.last_crawl.status
    error   = data.flywheel_crawler.addressable_raw.last_crawl.error_message
    created = data.flywheel_crawler.addressable_raw.last_crawl.tables_created
    updated = data.flywheel_crawler.addressable_raw.last_crawl.tables_updated
    deleted = data.flywheel_crawler.addressable_raw.last_crawl.tables_deleted
  }
}
