"""boto3 against Tocsin: the client users' Python scripts use, unchanged but for endpoint_url.

Run by test/smoke/boto3.test.ts with TOCSIN_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY set.
Prints one JSON object with what it saw; the test asserts on it.
"""
import json
import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

inc = boto3.client(
    "ssm-incidents",
    endpoint_url=os.environ["TOCSIN_URL"],
    region_name="us-east-1",
    config=Config(retries={"max_attempts": 1}),
)
seen = {}
plan = inc.create_response_plan(
    name="boto3-plan",
    displayName="From boto3",
    incidentTemplate={"title": "Disk full", "impact": 2, "dedupeString": "disk-full", "incidentTags": {"team": "storage"}},
    tags={"env": "test"},
)
seen["planArn"] = plan["arn"]
got = inc.get_response_plan(arn=plan["arn"])
seen["template"] = got["incidentTemplate"]
first = inc.start_incident(
    responsePlanArn=plan["arn"],
    triggerDetails={"source": "boto3", "timestamp": 1704164645, "rawData": '{"alarm":"disk"}'},
    relatedItems=[{"identifier": {"type": "OTHER", "value": {"url": "https://example.com/runbook"}}, "title": "Runbook"}],
)["incidentRecordArn"]
second = inc.start_incident(responsePlanArn=plan["arn"])["incidentRecordArn"]
seen["deduped"] = first == second
record = inc.get_incident_record(arn=first)["incidentRecord"]
seen["status"] = record["status"]
seen["source"] = record["incidentRecordSource"]["source"]
seen["creationTimeIsDatetime"] = hasattr(record["creationTime"], "isoformat")
paginator = inc.get_paginator("list_timeline_events")
seen["eventTypes"] = sorted({e["eventType"] for page in paginator.paginate(incidentRecordArn=first) for e in page["eventSummaries"]})
seen["relatedItems"] = [i["title"] for i in inc.list_related_items(incidentRecordArn=first)["relatedItems"]]
try:
    inc.start_incident(responsePlanArn=plan["arn"], impact=9)
    seen["badImpact"] = "accepted"
except ClientError as err:
    seen["badImpact"] = err.response["Error"]["Code"]
    seen["badImpactStatus"] = err.response["ResponseMetadata"]["HTTPStatusCode"]
json.dump(seen, sys.stdout)
