"""IAM roles: ListRolePolicies in pages (MaxItems, Marker), a role's path and permissions
boundary on GetRole, and boundaries that must name an existing managed policy.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import json
import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator, unique

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})


def setUpModule():
    require_emulator()


def error_code(ctx):
    return ctx.exception.response["Error"]["Code"]


class RoleTestCase(unittest.TestCase):
    def setUp(self):
        self.iam = client("iam")
        self.role = unique("role")
        self.policies = []

    def tearDown(self):
        try:
            for name in self.all_names():
                self.iam.delete_role_policy(RoleName=self.role, PolicyName=name)
            self.iam.delete_role(RoleName=self.role)
        except ClientError:
            pass  # never created
        for arn in self.policies:
            self.iam.delete_policy(PolicyArn=arn)

    def create_role(self, **kwargs):
        return self.iam.create_role(RoleName=self.role, AssumeRolePolicyDocument=TRUST,
                                    **kwargs)["Role"]

    def create_policy(self):
        arn = self.iam.create_policy(PolicyName=unique("boundary"),
                                     PolicyDocument=POLICY)["Policy"]["Arn"]
        self.policies.append(arn)
        return arn

    def all_names(self):
        names, marker = [], None
        while True:
            resp = self.iam.list_role_policies(RoleName=self.role,
                                               **({"Marker": marker} if marker else {}))
            names += resp["PolicyNames"]
            if not resp["IsTruncated"]:
                return names
            marker = resp["Marker"]


class ListRolePoliciesPagesTest(RoleTestCase):
    def put(self, *names):
        for name in names:
            self.iam.put_role_policy(RoleName=self.role, PolicyName=name, PolicyDocument=POLICY)

    def test_max_items_and_marker(self):
        self.create_role()
        self.put("p5", "p3", "p1", "p4", "p2")
        pages, marker = [], None
        while True:
            resp = self.iam.list_role_policies(RoleName=self.role, MaxItems=2,
                                               **({"Marker": marker} if marker else {}))
            pages.append(resp["PolicyNames"])
            if not resp["IsTruncated"]:
                self.assertNotIn("Marker", resp)
                break
            marker = resp["Marker"]
        self.assertEqual(pages, [["p1", "p2"], ["p3", "p4"], ["p5"]])

    def test_a_hundred_names_by_default(self):
        self.create_role()
        names = [f"p{i:03d}" for i in range(101)]
        self.put(*names)
        first = self.iam.list_role_policies(RoleName=self.role)
        self.assertEqual(len(first["PolicyNames"]), 100)
        self.assertTrue(first["IsTruncated"])
        second = self.iam.list_role_policies(RoleName=self.role, Marker=first["Marker"])
        self.assertEqual(second["PolicyNames"], ["p100"])
        self.assertFalse(second["IsTruncated"])
        self.assertEqual(self.all_names(), names)

    def test_a_policy_deleted_between_pages_shifts_nothing(self):
        self.create_role()
        self.put("a", "b", "c", "d")
        first = self.iam.list_role_policies(RoleName=self.role, MaxItems=2)
        self.iam.delete_role_policy(RoleName=self.role, PolicyName="a")
        rest = self.iam.list_role_policies(RoleName=self.role, MaxItems=2,
                                           Marker=first["Marker"])
        self.assertEqual(first["PolicyNames"] + rest["PolicyNames"], ["a", "b", "c", "d"])

    def test_bad_marker_and_max_items(self):
        self.create_role()
        with self.assertRaises(ClientError) as ctx:
            self.iam.list_role_policies(RoleName=self.role, Marker="not-a-marker")
        self.assertEqual(error_code(ctx), "ValidationError")
        with self.assertRaises(ClientError) as ctx:
            self.iam.list_role_policies(RoleName=self.role, MaxItems=1001)
        self.assertEqual(error_code(ctx), "ValidationError")

    def test_missing_role(self):
        with self.assertRaises(ClientError) as ctx:
            self.iam.list_role_policies(RoleName=self.role)
        self.assertEqual(error_code(ctx), "NoSuchEntity")


class PathAndBoundaryTest(RoleTestCase):
    def test_path_is_in_the_arn(self):
        created = self.create_role(Path="/flywheel/")
        self.assertEqual(created["Path"], "/flywheel/")
        role = self.iam.get_role(RoleName=self.role)["Role"]
        self.assertEqual(role["Path"], "/flywheel/")
        self.assertTrue(role["Arn"].endswith(f":role/flywheel/{self.role}"), role["Arn"])

    def test_boundary_set_read_and_removed(self):
        boundary = self.create_policy()
        self.create_role(PermissionsBoundary=boundary)
        got = self.iam.get_role(RoleName=self.role)["Role"]["PermissionsBoundary"]
        self.assertEqual(got, {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                               "PermissionsBoundaryArn": boundary})
        other = self.create_policy()
        self.iam.put_role_permissions_boundary(RoleName=self.role, PermissionsBoundary=other)
        got = self.iam.get_role(RoleName=self.role)["Role"]["PermissionsBoundary"]
        self.assertEqual(got["PermissionsBoundaryArn"], other)
        self.iam.delete_role_permissions_boundary(RoleName=self.role)
        self.assertNotIn("PermissionsBoundary", self.iam.get_role(RoleName=self.role)["Role"])

    def test_a_boundary_must_exist(self):
        missing = "arn:aws:iam::123456789012:policy/" + unique("missing")
        with self.assertRaises(ClientError) as ctx:
            self.create_role(PermissionsBoundary=missing)
        self.assertEqual(error_code(ctx), "NoSuchEntity")
        with self.assertRaises(ClientError):
            self.iam.get_role(RoleName=self.role)
        self.create_role()
        with self.assertRaises(ClientError) as ctx:
            self.iam.put_role_permissions_boundary(RoleName=self.role,
                                                   PermissionsBoundary=missing)
        self.assertEqual(error_code(ctx), "NoSuchEntity")
        # AWS managed policies exist (the emulator loads them).
        self.iam.put_role_permissions_boundary(
            RoleName=self.role,
            PermissionsBoundary="arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole")


if __name__ == "__main__":
    unittest.main()
