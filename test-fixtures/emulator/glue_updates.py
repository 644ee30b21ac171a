"""Glue UpdateJob, UpdateCrawler and UpdateTrigger for the emulator.

moto 5.2.5 answers all three with HTTP 500. `install()` adds the operations to moto's Glue backend (`GlueBackend`) and response
handler (`GlueResponse`), following the AWS Glue API:

UpdateJob(JobName, JobUpdate) -> {"JobName": ...}
    JobUpdate is the whole new definition. As on AWS ("unspecified configuration is removed
    or reset to default values"), every field the request leaves out is reset: the job looks
    exactly as if CreateJob had been called with JobUpdate (moto's CreateJob fills no AWS
    server-side defaults except ExecutionProperty {}, DefaultArguments {} and ExecutionClass
    STANDARD, so neither does this). Name, ARN, CreatedOn, tags and job runs are kept;
    LastModifiedOn moves. Unknown job: EntityNotFoundException.

UpdateCrawler(Name, Role?, DatabaseName?, Description?, Targets?, Schedule?, Classifiers?,
              TablePrefix?, SchemaChangePolicy?, RecrawlPolicy?, LineageConfiguration?,
              LakeFormationConfiguration?, Configuration?, CrawlerSecurityConfiguration?) -> {}
    Only the fields given change; the others keep their values (AWS semantics). A given
    structure (Targets, policies) replaces the old one whole. Schedule "" removes the
    schedule. Version goes up by one and LastUpdated moves. Unknown crawler:
    EntityNotFoundException; a running crawler: CrawlerRunningException.

UpdateTrigger(Name, TriggerUpdate{Description?, Schedule?, Actions?, Predicate?,
              EventBatchingCondition?}) -> {"Trigger": ...}
    TriggerUpdate is the whole new definition, as on AWS ("overwriting it completely"):
    members left out are removed (Name inside TriggerUpdate is ignored: AWS reserves it);
    the trigger's type and state stay. Unknown trigger: EntityNotFoundException.

CreateJob and UpdateJob size Python shell jobs as Glue does: MaxCapacity 0.0625 (the default)
or 1, no WorkerType or NumberOfWorkers (InvalidInputException otherwise, as for MaxCapacity
with workers on any job).

It also makes CreateJob and UpdateJob keep JobRunQueuingEnabled, JobMode and
MaintenanceWindow (UpdateJob resets them when not sent, like every other field), and
CreateCrawler keep LakeFormationConfiguration, all of which moto drops, so that GetJob and GetCrawler show
what was set (a field never set is left out, as AWS leaves it out), and makes CreateJob and
CreateTrigger with the name of an existing job or trigger fail with AlreadyExistsException
as on AWS (moto silently replaces the job or trigger, tags and state included; a retried
create after a lost response succeeded). CreateCrawler and CreateDatabase already do.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.glue.exceptions import (AlreadyExistsException, CrawlerRunningException,
                                  InvalidInputException)
from moto.glue.models import FakeCrawler, FakeJob, FakeTrigger, GlueBackend
from moto.glue.responses import GlueResponse
from moto.glue.utils import Action, Predicate

# Job members moto's FakeJob does not keep -> the attribute this module keeps them in.
EXTRA_JOB_FIELDS = {
    "JobRunQueuingEnabled": "job_run_queuing_enabled",
    "JobMode": "job_mode",
    "MaintenanceWindow": "maintenance_window",
}

# UpdateCrawler request member -> FakeCrawler attribute.
CRAWLER_FIELDS = {
    "Role": "role",
    "DatabaseName": "database_name",
    "Description": "description",
    "Targets": "targets",
    "Schedule": "schedule",
    "Classifiers": "classifiers",
    "TablePrefix": "table_prefix",
    "SchemaChangePolicy": "schema_change_policy",
    "RecrawlPolicy": "recrawl_policy",
    "LineageConfiguration": "lineage_configuration",
    "LakeFormationConfiguration": "lake_formation_configuration",
    "Configuration": "configuration",
    "CrawlerSecurityConfiguration": "crawler_security_configuration",
}


# Python shell jobs (Command.Name "pythonshell"): CreateJob's MaxCapacity "you can allocate
# either 0.0625 or 1 DPU. The default is 0.0625 DPU", and "Do not set MaxCapacity if using
# WorkerType and NumberOfWorkers" (the CreateJob and JobUpdate references). moto stored any
# combination and no default.
PYTHON_SHELL = "pythonshell"
PYTHON_SHELL_CAPACITIES = (0.0625, 1.0)
PYTHON_SHELL_DEFAULT_CAPACITY = 0.0625


def check_capacity(definition: dict[str, Any]) -> None:
    """Refuses what Glue refuses of a job's sizing (CreateJob or a JobUpdate)."""
    workers = definition.get("WorkerType") is not None or definition.get("NumberOfWorkers") is not None
    capacity = definition.get("MaxCapacity")
    if capacity is not None and workers:
        raise InvalidInputException(
            "CreateJob", "Please set either MaxCapacity or WorkerType and NumberOfWorkers, not both.")
    if (definition.get("Command") or {}).get("Name") != PYTHON_SHELL:
        return
    if workers:
        raise InvalidInputException(
            "CreateJob", "WorkerType and NumberOfWorkers are not supported for pythonshell jobs; set MaxCapacity.")
    if capacity is not None and float(capacity) not in PYTHON_SHELL_CAPACITIES:
        raise InvalidInputException(
            "CreateJob", "MaxCapacity for a pythonshell job must be 0.0625 or 1.")


def python_shell_default_capacity(job: FakeJob) -> None:
    """A Python shell job created or updated without MaxCapacity gets Glue's 0.0625."""
    if (job.command or {}).get("Name") == PYTHON_SHELL and job.max_capacity is None:
        job.max_capacity = PYTHON_SHELL_DEFAULT_CAPACITY


def _int_or_none(value: Any) -> Any:
    return None if value is None else int(value)


def _float_or_none(value: Any) -> Any:
    return None if value is None else float(value)


# --- backend ---------------------------------------------------------------------------


def update_job(self: GlueBackend, name: str, job_update: dict[str, Any]) -> str:
    job: FakeJob = self.get_job(name)  # EntityNotFoundException "Job <name> not found."
    u = job_update or {}
    # Same normalisation as FakeJob.__init__ (what CreateJob stores).
    job.description = u.get("Description")
    job.log_uri = u.get("LogUri")
    job.role = u.get("Role")
    job.execution_property = u.get("ExecutionProperty") or {}
    job.command = u.get("Command")
    job.default_arguments = u.get("DefaultArguments") or {}
    job.non_overridable_arguments = u.get("NonOverridableArguments")
    job.connections = u.get("Connections")
    job.max_retries = _int_or_none(u.get("MaxRetries"))
    job.allocated_capacity = _int_or_none(u.get("AllocatedCapacity"))
    job.timeout = _int_or_none(u.get("Timeout"))
    job.max_capacity = _float_or_none(u.get("MaxCapacity"))
    job.security_configuration = u.get("SecurityConfiguration")
    job.notification_property = u.get("NotificationProperty")
    job.glue_version = u.get("GlueVersion")
    job.number_of_workers = _int_or_none(u.get("NumberOfWorkers"))
    job.worker_type = u.get("WorkerType")
    job.code_gen_configuration_nodes = u.get("CodeGenConfigurationNodes")
    job.execution_class = u.get("ExecutionClass") or "STANDARD"
    job.source_control_details = u.get("SourceControlDetails")
    for member, attribute in EXTRA_JOB_FIELDS.items():
        setattr(job, attribute, u.get(member))
    python_shell_default_capacity(job)
    job.last_modified_on = utcnow()
    return name


def update_crawler(self: GlueBackend, name: str, changes: dict[str, Any]) -> None:
    crawler: FakeCrawler = self.get_crawler(name)  # EntityNotFoundException
    if crawler.status == "RUNNING":
        raise CrawlerRunningException(
            f"Crawler with name {name} is running; stop it before updating it."
        )
    for member, value in changes.items():
        setattr(crawler, CRAWLER_FIELDS[member], value)
    crawler.version += 1
    crawler.last_updated = utcnow()


def update_trigger(self: GlueBackend, name: str, trigger_update: dict[str, Any]) -> FakeTrigger:
    trigger: FakeTrigger = self.get_trigger(name)  # EntityNotFoundException
    u = trigger_update or {}
    # The whole definition: members left out are removed (AWS: TriggerUpdate "updates the
    # previous trigger definition by overwriting it completely").
    trigger.description = u.get("Description")
    trigger.schedule = u.get("Schedule")
    trigger.actions = [Action(a) for a in u.get("Actions") or []]
    trigger.predicate = Predicate(u["Predicate"]) if u.get("Predicate") else None
    trigger.event_batching_condition = u.get("EventBatchingCondition")
    return trigger


# --- crawler shape ---------------------------------------------------------------------

_original_crawler_as_dict = FakeCrawler.as_dict


def crawler_as_dict(self: FakeCrawler) -> dict[str, Any]:
    data = _original_crawler_as_dict(self)
    lake_formation = getattr(self, "lake_formation_configuration", None)
    if lake_formation is not None:
        data["LakeFormationConfiguration"] = lake_formation
    return data


_original_job_as_dict = FakeJob.as_dict


def job_as_dict(self: FakeJob) -> dict[str, Any]:
    data = _original_job_as_dict(self)
    for member, attribute in EXTRA_JOB_FIELDS.items():
        value = getattr(self, attribute, None)
        if value is not None:
            data[member] = value
    return data


# --- responses -------------------------------------------------------------------------


def response_update_job(self: GlueResponse) -> ActionResult:
    name = self.parameters.get("JobName")
    check_capacity(self.parameters.get("JobUpdate") or {})
    self.glue_backend.update_job(name, self.parameters.get("JobUpdate") or {})
    return ActionResult({"JobName": name})


def response_update_crawler(self: GlueResponse) -> ActionResult:
    params = self.parameters
    changes = {m: params[m] for m in CRAWLER_FIELDS if params.get(m) is not None}
    self.glue_backend.update_crawler(params.get("Name"), changes)
    return EmptyResult()


def response_update_trigger(self: GlueResponse) -> ActionResult:
    trigger = self.glue_backend.update_trigger(
        self.parameters.get("Name"), self.parameters.get("TriggerUpdate") or {})
    return ActionResult({"Trigger": trigger.as_dict()})


_original_create_crawler = GlueResponse.create_crawler


def response_create_crawler(self: GlueResponse) -> ActionResult:
    result = _original_create_crawler(self)
    lake_formation = self.parameters.get("LakeFormationConfiguration")
    if lake_formation is not None:
        crawler = self.glue_backend.get_crawler(self.parameters.get("Name"))
        crawler.lake_formation_configuration = lake_formation
    return result


_original_response_create_job = GlueResponse.create_job


def response_create_job(self: GlueResponse) -> ActionResult:
    check_capacity(self.parameters)
    result = _original_response_create_job(self)
    job = self.glue_backend.get_job(self.parameters.get("Name"))
    for member, attribute in EXTRA_JOB_FIELDS.items():
        setattr(job, attribute, self.parameters.get(member))
    python_shell_default_capacity(job)
    return result


_original_create_job = GlueBackend.create_job


def create_job(self: GlueBackend, name: str, *args: Any, **kwargs: Any) -> Any:
    if name in self.jobs:
        raise AlreadyExistsException("Job")  # "Job already exists."
    return _original_create_job(self, name, *args, **kwargs)


_original_create_trigger = GlueBackend.create_trigger


def create_trigger(self: GlueBackend, name: str, *args: Any, **kwargs: Any) -> Any:
    if name in self.triggers:
        raise AlreadyExistsException("Trigger")  # "Trigger already exists."
    return _original_create_trigger(self, name, *args, **kwargs)


def install() -> None:
    """Patch moto's Glue classes in this process; safe to call more than once."""
    if getattr(GlueBackend, "_flywheel_updates", False):
        return
    GlueBackend.update_job = update_job
    GlueBackend.update_crawler = update_crawler
    GlueBackend.update_trigger = update_trigger
    GlueBackend.create_job = create_job
    GlueBackend.create_trigger = create_trigger
    FakeCrawler.as_dict = crawler_as_dict
    FakeJob.as_dict = job_as_dict
    GlueResponse.create_job = response_create_job
    GlueResponse.update_job = response_update_job
    GlueResponse.update_crawler = response_update_crawler
    GlueResponse.update_trigger = response_update_trigger
    GlueResponse.create_crawler = response_create_crawler
    GlueBackend._flywheel_updates = True
