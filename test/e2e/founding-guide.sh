#!/usr/bin/env bash
# End-to-end: the response plan of the founding guide, driven through the `aws` CLI (issue 2).
#
# Starts a fresh Tocsin exactly as a newcomer would (no credentials, no account id: both are
# generated, and the AWS CLI profile the server writes is used through the hint it prints),
# then: replication set -> create-response-plan with every field -> get-response-plan shows
# them back -> two starts dedupe into one incident -> resolve -> a third start opens a new
# one -> list-incident-records and list-timeline-events show all of it -> graceful stop.
# Runs with the `aws` first on PATH (pip aws CLI 1.x, service errors exit 255) and again, on a
# fresh server, with /usr/bin/aws (Debian aws CLI 2.x, exit 254) when that one is installed.
# Prints "ok - ..." per check and ends with "N passed, 0 failed"; stops at the first failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PASSED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tocsin-e2e.XXXXXX")
SERVER_PID=
SERVER_OUT=
SERVER_ERR=

# --- reporting ------------------------------------------------------------------------------

ok() {
  PASSED=$((PASSED + 1))
  echo "ok - $*"
}

# fail MESSAGE [DETAIL...]: prints the failure with its details and the server's stderr, exits 1.
fail() {
  echo "not ok - $1"
  shift
  local d
  for d in "$@"; do [ -n "$d" ] && printf '%s\n' "$d" | sed 's/^/    /'; done
  if [ -n "$SERVER_ERR" ] && [ -s "$SERVER_ERR" ]; then
    echo "    --- server stderr (last 40 lines) ---"
    tail -n 40 "$SERVER_ERR" | sed 's/^/    /'
  fi
  echo "$PASSED passed, 1 failed"
  exit 1
}

# --- server lifecycle -----------------------------------------------------------------------

# stop_server: SIGTERM, then wait for the process to exit, at most 10 s (then SIGKILL);
# sets STOP_RC to its exit status ("killed after 10 s" when it had to be killed).
stop_server() {
  STOP_RC=
  [ -n "$SERVER_PID" ] || return 0
  local pid=$SERVER_PID watchdog
  SERVER_PID=
  kill -TERM "$pid" 2>/dev/null || true
  (sleep 10 && kill -KILL "$pid" 2>/dev/null && echo killed >"$WORK/killed") >/dev/null 2>&1 &
  watchdog=$!
  STOP_RC=0
  wait "$pid" 2>/dev/null || STOP_RC=$?
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  if [ -f "$WORK/killed" ]; then
    rm -f "$WORK/killed"
    STOP_RC="killed after 10 s"
  fi
}

cleanup() {
  local rc=$?
  stop_server || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server NAME: a fresh data dir ($WORK/NAME/data) and a free port, nothing configured
# but the log level.
# Sets ENDPOINT and ACCOUNT and exports the AWS CLI settings the server's hint prints.
start_server() {
  local dir="$WORK/$1"
  mkdir -p "$dir"
  SERVER_OUT="$dir/server.out"
  SERVER_ERR="$dir/server.err"
  # Only the log level, the port and the data dir are set: the account and the root
  # credentials must be generated, as on a newcomer's first start.
  env -u TOCSIN_ACCESS_KEY_ID -u TOCSIN_SECRET_ACCESS_KEY -u TOCSIN_ACCOUNT_ID -u TOCSIN_REGION \
    -u TOCSIN_HOST -u TOCSIN_AUTO_REPLICATION_SET -u DATABASE_URL -u TOCSIN_MAX_BODY_BYTES \
    -u TOCSIN_DB_POOL_SIZE \
    TOCSIN_PORT=0 TOCSIN_DATA_DIR="$dir/data" TOCSIN_LOG_LEVEL=warn \
    node bin/tocsin.js serve >"$SERVER_OUT" 2>"$SERVER_ERR" &
  SERVER_PID=$!

  # The banner is complete once the "aws --endpoint-url" line of the hint is out.
  local deadline=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$deadline" ]; do
    grep -q 'aws --endpoint-url ' "$SERVER_OUT" 2>/dev/null && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      SERVER_PID=
      fail "server started" "it exited before printing its banner" "--- stdout ---" "$(cat "$SERVER_OUT")"
    fi
    sleep 0.1
  done
  grep -q 'aws --endpoint-url ' "$SERVER_OUT" ||
    fail "server started" "no banner within 30 s" "--- stdout ---" "$(cat "$SERVER_OUT")"

  local url
  url=$(sed -n 's|^tocsin: listening on \(http://127\.0\.0\.1:[0-9][0-9]*\)$|\1|p' "$SERVER_OUT")
  [ -n "$url" ] || fail "server prints 'tocsin: listening on http://127.0.0.1:PORT'" "$(cat "$SERVER_OUT")"
  ENDPOINT=$url
  ok "server listening on $ENDPOINT"

  ACCOUNT=$(sed -n 's/^ *account: *\([0-9]\{12\}\)\b.*/\1/p' "$SERVER_OUT")
  [ -n "$ACCOUNT" ] || fail "server prints a generated 12-digit account" "$(cat "$SERVER_OUT")"
  ok "server generated account $ACCOUNT"

  grep -q 'secret access key: ' "$SERVER_OUT" ||
    fail "server generated and printed root credentials" "$(cat "$SERVER_OUT")"

  # Use exactly the hint: "export AWS_SHARED_CREDENTIALS_FILE=... AWS_PROFILE=tocsin AWS_DEFAULT_REGION=..."
  local hint
  hint=$(sed -n 's/^ *\(export AWS_SHARED_CREDENTIALS_FILE=[^ ]* AWS_PROFILE=tocsin AWS_DEFAULT_REGION=[a-z0-9-]*\)$/\1/p' "$SERVER_OUT")
  [ -n "$hint" ] || fail "server prints the export hint" "$(cat "$SERVER_OUT")"
  grep -q "^ *aws --endpoint-url $ENDPOINT ssm-incidents list-response-plans\$" "$SERVER_OUT" ||
    fail "server prints the 'aws --endpoint-url $ENDPOINT ssm-incidents list-response-plans' hint" "$(cat "$SERVER_OUT")"
  # Nothing else may supply credentials or settings: only the hint's profile.
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL \
    AWS_ENDPOINT_URL_SSM_INCIDENTS AWS_REGION AWS_CA_BUNDLE AWS_DEFAULT_OUTPUT
  export AWS_CONFIG_FILE="$dir/no-aws-config" AWS_PAGER="" AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
  eval "$hint"
  [ "$AWS_SHARED_CREDENTIALS_FILE" = "$dir/data/credentials" ] ||
    fail "credentials file is <data dir>/credentials" "hint: $hint"
  [ -f "$AWS_SHARED_CREDENTIALS_FILE" ] && grep -q '^\[tocsin\]$' "$AWS_SHARED_CREDENTIALS_FILE" ||
    fail "credentials file has a [tocsin] profile" "$(cat "$AWS_SHARED_CREDENTIALS_FILE" 2>&1 | sed 's/\(secret_access_key = \).*/\1***/')"
  ok "server wrote $AWS_SHARED_CREDENTIALS_FILE (profile tocsin, region $AWS_DEFAULT_REGION); using its hint"

  local code=
  deadline=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$deadline" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ENDPOINT/health" || true)
    [ "$code" = 200 ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "GET /health" "server exited" "$(cat "$SERVER_OUT")"
    sleep 0.1
  done
  [ "$code" = 200 ] || fail "GET /health answers 200 within 30 s" "last status: $code"
  ok "GET /health is 200"
}

# --- aws CLI helpers ------------------------------------------------------------------------

# call ARGS...: runs the CLI against the server; sets OUT, ERR and RC.
call() {
  set +e
  OUT=$(timeout 30 "$AWS" --endpoint-url "$ENDPOINT" --output json --cli-connect-timeout 5 \
    --cli-read-timeout 20 "$@" 2>"$WORK/stderr")
  RC=$?
  set -e
  ERR=$(cat "$WORK/stderr")
  LAST="aws$(shell_words "$@")"
}

# shell_words ARGS...: the arguments as a copy-pasteable command line (single-quoted as needed).
shell_words() {
  local a q="'"
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./:=,@+-]+$ ]]; then
      printf ' %s' "$a"
    else
      printf " '%s'" "${a//$q/$q\\$q$q}"
    fi
  done
}

# must ARGS...: the call must succeed (exit 0).
must() {
  call "$@"
  [ "$RC" = 0 ] || fail "$LAST" "expected exit 0, got $RC" "--- stdout ---" "$OUT" "--- stderr ---" "$ERR"
}

# must_fail ERROR_CODE ARGS...: the call must fail as a service error with that code.
must_fail() {
  local code=$1
  shift
  call "$@"
  [ "$RC" = "$SERVICE_ERROR_RC" ] && grep -q "($code)" <<<"$ERR" ||
    fail "$LAST" "expected exit $SERVICE_ERROR_RC with ($code), got $RC" "--- stdout ---" "$OUT" "--- stderr ---" "$ERR"
}

# check DESCRIPTION JSON JQ_FILTER [JQ_ARGS...]: the filter must be true on the JSON.
check() {
  local what=$1 json=$2 filter=$3
  shift 3
  jq -e "$@" "$filter" <<<"$json" >/dev/null 2>"$WORK/jq.err" ||
    fail "$what" "after: $LAST" "expected (jq): $filter" "jq args: $*" "$(cat "$WORK/jq.err")" "--- got ---" "$json"
  ok "$what"
}

# --- the founding guide ---------------------------------------------------------------------

# flow AWS_BINARY SERVICE_ERROR_RC NAME
flow() {
  AWS=$1
  SERVICE_ERROR_RC=$2
  echo "# $AWS: $("$AWS" --version 2>&1)"
  start_server "$3"
  local region=$AWS_DEFAULT_REGION
  local inc=(ssm-incidents)

  # Replication set: created by the server at first start.
  must "${inc[@]}" list-replication-sets
  check "list-replication-sets shows one replication set" "$OUT" '.replicationSetArns | length == 1'
  local rs_arn
  rs_arn=$(jq -r '.replicationSetArns[0]' <<<"$OUT")
  grep -q "replication set created: $rs_arn\$" "$SERVER_OUT" ||
    fail "the banner names the replication set it created ($rs_arn)" "$(cat "$SERVER_OUT")"
  ok "the banner names the replication set it created"
  must "${inc[@]}" get-replication-set --arn "$rs_arn"
  check "get-replication-set: ACTIVE, with $region ACTIVE" "$OUT" \
    '.replicationSet.status == "ACTIVE" and .replicationSet.regionMap[$r].status == "ACTIVE"' --arg r "$region"
  must_fail ConflictException "${inc[@]}" create-replication-set --regions "{\"$region\":{}}"
  ok "create-replication-set again: ConflictException (exit $SERVICE_ERROR_RC)"

  # The founding guide's response plan, every field.
  local name="checkout-outage" topic_notify="arn:aws:sns:$region:$ACCOUNT:incident-notifications"
  local topic_chat="arn:aws:sns:$region:$ACCOUNT:incident-chat"
  local contact="arn:aws:ssm-contacts:$region:$ACCOUNT:contact/on-call-lead"
  local role="arn:aws:iam::$ACCOUNT:role/IncidentRunbookRole"
  local template chat engagements actions integrations trust runbook_policy
  # The runbook's role: Incident Manager may assume it, and it may start the runbook.
  trust=$(jq -nc '{Version: "2012-10-17", Statement: [{Effect: "Allow",
    Principal: {Service: "ssm-incidents.amazonaws.com"}, Action: "sts:AssumeRole"}]}')
  runbook_policy=$(jq -nc --arg a "$ACCOUNT" --arg r "$region" '{Version: "2012-10-17", Statement: [
    {Effect: "Allow", Action: "ssm:StartAutomationExecution",
     Resource: "arn:aws:ssm:\($r):\($a):automation-definition/AWSIncidents-CriticalIncidentRunbookTemplate:*"},
    {Effect: "Allow", Action: ["ssm-incidents:*", "ssm-contacts:*"], Resource: "*"}]}')
  must iam create-role --role-name IncidentRunbookRole --assume-role-policy-document "$trust"
  check "iam create-role returns $role" "$OUT" '.Role.Arn == $r' --arg r "$role"
  must iam put-role-policy --role-name IncidentRunbookRole --policy-name runbook --policy-document "$runbook_policy"
  must iam get-role --role-name IncidentRunbookRole
  check "iam get-role: the trust policy names ssm-incidents.amazonaws.com" "$OUT" \
    '.Role.AssumeRolePolicyDocument.Statement[0].Principal.Service == "ssm-incidents.amazonaws.com"'
  # The on-call lead the plan engages (a plan may engage only contacts that exist).
  must ssm-contacts create-contact --alias on-call-lead --display-name "On-call lead" --type PERSONAL --plan '{"Stages":[]}'
  check "create-contact returns $contact" "$OUT" '.ContactArn == $c' --arg c "$contact"
  template=$(jq -nc --arg t "$topic_notify" '{
    title: "Checkout is down", impact: 1,
    summary: "Customers cannot complete checkout; payments API returns 5xx.",
    dedupeString: "checkout-outage",
    incidentTags: {service: "checkout", severity: "critical"},
    notificationTargets: [{snsTopicArn: $t}]}')
  chat=$(jq -nc --arg t "$topic_chat" '{chatbotSns: [$t]}')
  engagements=$(jq -nc --arg c "$contact" '[$c]')
  actions=$(jq -nc --arg r "$role" '[{ssmAutomation: {
    roleArn: $r, documentName: "AWSIncidents-CriticalIncidentRunbookTemplate", documentVersion: "$DEFAULT",
    targetAccount: "RESPONSE_PLAN_OWNER_ACCOUNT",
    parameters: {Environment: ["production"], Services: ["checkout", "payments"]},
    dynamicParameters: {IncidentRecordArn: {variable: "INCIDENT_RECORD_ARN"}}}}]')
  integrations=$(jq -nc '[{pagerDutyConfiguration: {
    name: "checkout-pagerduty", secretId: "pagerduty/checkout-token",
    pagerDutyIncidentConfiguration: {serviceId: "PCHKOUT"}}}]')
  must "${inc[@]}" create-response-plan --name "$name" --display-name "Checkout outage" \
    --incident-template "$template" --chat-channel "$chat" --engagements "$contact" \
    --actions "$actions" --integrations "$integrations" --tags team=payments,env=production
  local plan_arn="arn:aws:ssm-incidents::$ACCOUNT:response-plan/$name"
  check "create-response-plan returns $plan_arn" "$OUT" '.arn == $a' --arg a "$plan_arn"

  must "${inc[@]}" get-response-plan --arn "$plan_arn"
  local got=$OUT
  check "get-response-plan: arn, name, displayName" "$got" \
    '.arn == $a and .name == $n and .displayName == "Checkout outage"' --arg a "$plan_arn" --arg n "$name"
  check "get-response-plan: incidentTemplate (title, impact 1, summary, dedupeString, incidentTags, notificationTargets)" \
    "$got" '.incidentTemplate == $x' --argjson x "$template"
  check "get-response-plan: chatChannel (chatbotSns topic)" "$got" '.chatChannel == $x' --argjson x "$chat"
  check "get-response-plan: engagements (contact)" "$got" '.engagements == $x' --argjson x "$engagements"
  check "get-response-plan: actions (ssmAutomation role, document, version, target account, parameters, dynamicParameters)" \
    "$got" '.actions == $x' --argjson x "$actions"
  check "get-response-plan: integrations (pagerDutyConfiguration)" "$got" '.integrations == $x' --argjson x "$integrations"

  must "${inc[@]}" list-tags-for-resource --resource-arn "$plan_arn"
  check "list-tags-for-resource on the plan shows its tags" "$OUT" '.tags == {team: "payments", env: "production"}'

  must "${inc[@]}" list-response-plans
  check "list-response-plans lists the plan" "$OUT" \
    '[.responsePlanSummaries[] | select(.arn == $a and .name == $n and .displayName == "Checkout outage")] | length == 1' \
    --arg a "$plan_arn" --arg n "$name"

  must_fail ValidationException "${inc[@]}" create-response-plan --name bad-impact \
    --incident-template '{"title":"Bad impact","impact":9}'
  grep -qi 'impact' <<<"$ERR" || fail "the ValidationException names the field impact" "$ERR"
  ok "impact 9 is a ValidationException naming the field: $(tail -n 1 <<<"$ERR")"
  must_fail ResourceNotFoundException "${inc[@]}" get-response-plan --arn "arn:aws:ssm-incidents::$ACCOUNT:response-plan/bad-impact"
  ok "the refused plan was not written (get-response-plan: ResourceNotFoundException)"

  # Two starts make one incident.
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local trigger
  trigger=$(jq -nc --arg ts "$now" '{source: "founding-guide.sh", timestamp: $ts, rawData: "{\"alarm\":\"checkout-5xx\"}"}')
  must "${inc[@]}" start-incident --response-plan-arn "$plan_arn" \
    --trigger-details "$trigger"
  local first
  first=$(jq -r '.incidentRecordArn // empty' <<<"$OUT")
  [[ "$first" == "arn:aws:ssm-incidents::$ACCOUNT:incident-record/$name/"?* ]] ||
    fail "start-incident returns an incident-record ARN under the plan" "$OUT"
  ok "start-incident opened $first"
  must "${inc[@]}" get-incident-record --arn "$first"
  check "get-incident-record: OPEN, from the plan's template" "$OUT" '.incidentRecord |
      .status == "OPEN" and .title == $t.title and .impact == 1 and .summary == $t.summary
      and .dedupeString == $t.dedupeString and .notificationTargets == $t.notificationTargets
      and .chatChannel == $c and .incidentRecordSource.source == "founding-guide.sh"
      and (has("resolvedTime") | not)' \
    --argjson t "$template" --argjson c "$chat"
  must "${inc[@]}" start-incident --response-plan-arn "$plan_arn"
  check "a second start-incident (same dedupe string) returns the same incident" "$OUT" \
    '.incidentRecordArn == $a' --arg a "$first"

  # Resolve; the next start opens a new incident.
  must "${inc[@]}" update-incident-record --arn "$first" --status RESOLVED
  ok "update-incident-record --status RESOLVED"
  must "${inc[@]}" get-incident-record --arn "$first"
  check "the first incident is RESOLVED with a resolvedTime" "$OUT" \
    '.incidentRecord.status == "RESOLVED" and .incidentRecord.resolvedTime != null'
  must "${inc[@]}" start-incident --response-plan-arn "$plan_arn"
  local second
  second=$(jq -r '.incidentRecordArn // empty' <<<"$OUT")
  [[ -n "$second" && "$second" != "$first" && "$second" == "arn:aws:ssm-incidents::$ACCOUNT:incident-record/$name/"?* ]] ||
    fail "a third start-incident after resolving opens a new incident (different ARN)" "first: $first" "$OUT"
  ok "a third start-incident after resolving opens a new incident: $second"

  must "${inc[@]}" list-incident-records
  check "list-incident-records shows both: first RESOLVED with resolvedTime, second OPEN" "$OUT" '
      (.incidentRecordSummaries | length == 2)
      and ([.incidentRecordSummaries[] | select(.arn == $a and .status == "RESOLVED" and .resolvedTime != null)] | length == 1)
      and ([.incidentRecordSummaries[] | select(.arn == $b and .status == "OPEN" and .resolvedTime == null)] | length == 1)
      and all(.incidentRecordSummaries[]; .title == "Checkout is down" and .impact == 1
              and .incidentRecordSource.createdBy != null)' \
    --arg a "$first" --arg b "$second"
  must "${inc[@]}" list-incident-records --filters '[{"key":"status","condition":{"equals":{"stringValues":["OPEN"]}}}]'
  check "list-incident-records filtered on status OPEN shows only the second" "$OUT" \
    '[.incidentRecordSummaries[].arn] == [$b]' --arg b "$second"

  # Timelines: the service's own events plus a custom one on each incident.
  local arn event_id
  for arn in "$first" "$second"; do
    must "${inc[@]}" create-timeline-event --incident-record-arn "$arn" --event-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      --event-type 'Custom Event' --event-data '"Rolled back checkout deploy 2024-07-01.3"'
    event_id=$(jq -r '.eventId // empty' <<<"$OUT")
    [ -n "$event_id" ] && [ "$(jq -r '.incidentRecordArn' <<<"$OUT")" = "$arn" ] ||
      fail "create-timeline-event returns the eventId and incidentRecordArn" "$OUT"
    ok "create-timeline-event 'Custom Event' on ${arn##*/}"
    must "${inc[@]}" get-timeline-event --incident-record-arn "$arn" --event-id "$event_id"
    check "get-timeline-event returns the custom event's data" "$OUT" \
      '.event.eventType == "Custom Event" and .event.eventData == "\"Rolled back checkout deploy 2024-07-01.3\""'
    must "${inc[@]}" list-timeline-events --incident-record-arn "$arn"
    if [ "$arn" = "$first" ]; then
      check "list-timeline-events (first): 'SSM Incident Trigger', 'SSM Incident Record Update' and the custom event" "$OUT" '
          [.eventSummaries[].eventType] as $t
          | ($t | index("SSM Incident Trigger")) != null and ($t | index("SSM Incident Record Update")) != null
          and ([.eventSummaries[] | select(.eventType == "Custom Event" and .eventId == $e)] | length == 1)
          and all(.eventSummaries[]; .incidentRecordArn == $a)' \
        --arg e "$event_id" --arg a "$arn"
    else
      check "list-timeline-events (second): 'SSM Incident Trigger' and the custom event" "$OUT" '
          [.eventSummaries[].eventType] as $t
          | ($t | index("SSM Incident Trigger")) != null
          and ([.eventSummaries[] | select(.eventType == "Custom Event" and .eventId == $e)] | length == 1)
          and all(.eventSummaries[]; .incidentRecordArn == $a)' \
        --arg e "$event_id" --arg a "$arn"
    fi
  done

  stop_server
  [ "$STOP_RC" = 0 ] || fail "SIGTERM stops the server gracefully with exit 0" "got: $STOP_RC" \
    "--- stdout ---" "$(cat "$SERVER_OUT")"
  grep -q '^tocsin: stopped$' "$SERVER_OUT" || fail "server prints 'tocsin: stopped'" "$(cat "$SERVER_OUT")"
  ok "SIGTERM: server stopped gracefully (exit 0)"
}

# Service errors exit 255 from aws CLI v1, 254 from v2.
service_error_rc() {
  case "$("$1" --version 2>&1)" in
    aws-cli/1.*) echo 255 ;;
    *) echo 254 ;;
  esac
}

command -v aws >/dev/null || fail "an aws CLI is on PATH"
command -v jq >/dev/null || fail "jq is on PATH"
flow "$(command -v aws)" "$(service_error_rc aws)" cli-on-path
# The Debian aws CLI 2.x, when installed, runs the same flow on a fresh server.
if [ -x /usr/bin/aws ] && [ "$(command -v aws)" != /usr/bin/aws ]; then
  flow /usr/bin/aws "$(service_error_rc /usr/bin/aws)" debian-cli
fi

echo "$PASSED passed, 0 failed"
