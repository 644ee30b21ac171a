"""Glue catalog tables: CreateTable, GetTables pages, DeleteTable, and DeleteDatabase of a
database that still holds tables.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator, unique


def setUpModule():
    require_emulator()


def error_code(ctx):
    return ctx.exception.response["Error"]["Code"]


def names(resp):
    return [t["Name"] for t in resp["TableList"]]


class CatalogTestCase(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.db = unique("catalog").replace("-", "_")
        self.glue.create_database(DatabaseInput={"Name": self.db})
        self.addCleanup(self.drop_database)

    def drop_database(self):
        try:
            self.glue.delete_database(Name=self.db)
        except ClientError:
            pass  # the test deleted it

    def create_tables(self, *table_names):
        for name in table_names:
            self.glue.create_table(DatabaseName=self.db, TableInput={
                "Name": name, "TableType": "EXTERNAL_TABLE",
                "StorageDescriptor": {"Location": f"s3://data/{self.db}/{name}/",
                                      "Columns": [{"Name": "id", "Type": "string"}]}})


class GetTablesPagesTest(CatalogTestCase):
    def test_max_results_and_next_token(self):
        self.create_tables("t5", "t3", "t1", "t4", "t2", "t6", "t7")
        pages, token = [], None
        while True:
            resp = self.glue.get_tables(DatabaseName=self.db, MaxResults=3,
                                        **({"NextToken": token} if token else {}))
            pages.append(names(resp))
            token = resp.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, [["t1", "t2", "t3"], ["t4", "t5", "t6"], ["t7"]])

    def test_exact_fit_has_no_next_token(self):
        self.create_tables("a", "b")
        resp = self.glue.get_tables(DatabaseName=self.db, MaxResults=2)
        self.assertEqual(names(resp), ["a", "b"])
        self.assertNotIn("NextToken", resp)

    def test_default_page_is_100(self):
        self.create_tables(*[f"t{i:03d}" for i in range(101)])
        resp = self.glue.get_tables(DatabaseName=self.db)
        self.assertEqual(len(resp["TableList"]), 100)
        rest = self.glue.get_tables(DatabaseName=self.db, NextToken=resp["NextToken"])
        self.assertEqual(names(rest), ["t100"])

    def test_boto3_paginator_reads_every_table(self):
        self.create_tables("c", "a", "d", "b", "e")
        paginator = self.glue.get_paginator("get_tables")
        pages = list(paginator.paginate(DatabaseName=self.db, PaginationConfig={"PageSize": 2}))
        self.assertEqual([names(p) for p in pages], [["a", "b"], ["c", "d"], ["e"]])

    def test_deleting_the_page_just_read_does_not_skip_tables(self):
        """How a caller empties a database: read a page, delete it, read on."""
        self.create_tables("a", "b", "c", "d", "e")
        first = self.glue.get_tables(DatabaseName=self.db, MaxResults=2)
        self.glue.batch_delete_table(DatabaseName=self.db, TablesToDelete=names(first))
        second = self.glue.get_tables(DatabaseName=self.db, MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual(names(second), ["c", "d"])
        self.assertEqual(names(self.glue.get_tables(DatabaseName=self.db)), ["c", "d", "e"])

    def test_expression_filters_before_paging(self):
        self.create_tables("events_2024", "events_2025", "users", "events_2026")
        resp = self.glue.get_tables(DatabaseName=self.db, Expression="events_*", MaxResults=2)
        self.assertEqual(names(resp), ["events_2024", "events_2025"])
        rest = self.glue.get_tables(DatabaseName=self.db, Expression="events_*",
                                    NextToken=resp["NextToken"])
        self.assertEqual(names(rest), ["events_2026"])

    def test_invalid_next_token(self):
        self.create_tables("a")
        with self.assertRaises(ClientError) as ctx:
            self.glue.get_tables(DatabaseName=self.db, NextToken="not-a-token")
        self.assertEqual(error_code(ctx), "InvalidInputException")

    def test_empty_and_missing_database(self):
        self.assertEqual(self.glue.get_tables(DatabaseName=self.db)["TableList"], [])
        with self.assertRaises(ClientError) as ctx:
            self.glue.get_tables(DatabaseName=unique("missing"))
        self.assertEqual(error_code(ctx), "EntityNotFoundException")


class TableLifecycleTest(CatalogTestCase):
    def test_create_get_delete(self):
        self.create_tables("events")
        table = self.glue.get_table(DatabaseName=self.db, Name="events")["Table"]
        self.assertEqual(table["StorageDescriptor"]["Location"], f"s3://data/{self.db}/events/")
        with self.assertRaises(ClientError) as ctx:
            self.create_tables("events")
        self.assertEqual(error_code(ctx), "AlreadyExistsException")
        self.glue.delete_table(DatabaseName=self.db, Name="events")
        with self.assertRaises(ClientError) as ctx:
            self.glue.get_table(DatabaseName=self.db, Name="events")
        self.assertEqual(error_code(ctx), "EntityNotFoundException")
        with self.assertRaises(ClientError) as ctx:
            self.glue.delete_table(DatabaseName=self.db, Name="events")
        self.assertEqual(error_code(ctx), "EntityNotFoundException")

    def test_create_in_missing_database(self):
        with self.assertRaises(ClientError) as ctx:
            self.glue.create_table(DatabaseName=unique("missing"), TableInput={"Name": "t"})
        self.assertEqual(error_code(ctx), "EntityNotFoundException")


class DeleteDatabaseWithTablesTest(CatalogTestCase):
    def test_deletes_the_database_and_its_tables(self):
        """AWS deletes a database that holds tables, and its tables become unreachable."""
        self.create_tables("events", "users", "orders")
        self.glue.delete_database(Name=self.db)
        for call in (lambda: self.glue.get_database(Name=self.db),
                     lambda: self.glue.get_tables(DatabaseName=self.db),
                     lambda: self.glue.get_table(DatabaseName=self.db, Name="events")):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertEqual(error_code(ctx), "EntityNotFoundException")
        # A database re-created with the same name starts empty.
        self.glue.create_database(DatabaseInput={"Name": self.db})
        self.assertEqual(self.glue.get_tables(DatabaseName=self.db)["TableList"], [])


if __name__ == "__main__":
    unittest.main()
