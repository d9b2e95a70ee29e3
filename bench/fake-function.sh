#!/usr/bin/env bash
# A stand-in for the service's bootstrap that follows the Lambda Runtime API protocol with curl, to
# check the ColdStart harness without the real function:
#   dotnet run --project bench/ColdStart -- --aot bench/fake-function.sh --runs 3
# It answers POST /otp (and writes the dev mailbox line), POST /otp/verify and POST /orgs (201 for
# "Bearer fake.jwt.token" when the data directory holds a key file, 401 otherwise) like the service
# would. It has no local mode, so --event-orgs needs the real service; an --event file plus --key-dir
# covers the same path. FAKE_MODE=init-error|invoke-error|crash|status-500 exercises the failure paths.
set -euo pipefail
api="http://${AWS_LAMBDA_RUNTIME_API:?AWS_LAMBDA_RUNTIME_API is not set}/2018-06-01/runtime"
data="${CLEANCQRS_DATA_DIR:-.}"
mode="${FAKE_MODE:-ok}"

[ -f "$data/jwt-signing-key.pem" ] || echo "fake key" >"$data/jwt-signing-key.pem"

if [ "$mode" = init-error ]; then
  curl -sS -X POST "$api/init/error" -H 'Lambda-Runtime-Function-Error-Type: Runtime.ConfigInvalid' \
    -d '{"errorMessage":"fake init failure","errorType":"ConfigInvalid"}' >/dev/null
  exit 1
fi

reply() { # id statusCode body
  jq -cn --argjson s "$2" --arg b "$3" '{statusCode:$s,headers:{"content-type":"application/json"},body:$b,isBase64Encoded:false}' |
    curl -sS -X POST "$api/invocation/$1/response" -H 'Content-Type: application/json' --data-binary @- >/dev/null
}

headers="$data/.fake-function-headers"
while true; do
  event=$(curl -sS -D "$headers" "$api/invocation/next")
  id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\r')
  [ "$mode" = crash ] && exit 3
  if [ "$mode" = invoke-error ]; then
    curl -sS -X POST "$api/invocation/$id/error" -H 'Lambda-Runtime-Function-Error-Type: Unhandled' \
      -d '{"errorMessage":"fake invocation failure","errorType":"Fake","stackTrace":[]}' >/dev/null
    continue
  fi
  [ "$mode" = status-500 ] && { reply "$id" 500 '{"title":"fake server error"}'; continue; }
  route="$(jq -r '.requestContext.http.method + " " + .rawPath' <<<"$event")"
  case "$route" in
    "POST /otp")
      otp=$(cat /proc/sys/kernel/random/uuid)
      to=$(jq -r '.body | fromjson | .primary' <<<"$event")
      jq -cn --arg to "$to" --arg otp "$otp" '{channel:"email",to:$to,otpId:$otp,code:"123456",sentAt:"2026-01-01T00:00:00.000Z"}' >>"$data/outbox.jsonl"
      reply "$id" 202 "{\"otpId\":\"$otp\",\"channel\":\"email\",\"expiresAt\":\"2026-01-01T00:05:00Z\"}" ;;
    "POST /otp/verify")
      reply "$id" 200 '{"token":"fake.jwt.token","tokenType":"Bearer","expiresIn":86400,"subject":"fake"}' ;;
    "POST /orgs")
      auth=$(jq -r '.headers.authorization // ""' <<<"$event")
      if [ "$auth" = "Bearer fake.jwt.token" ] && [ -f "$data/jwt-signing-key.pem" ]; then
        reply "$id" 201 '{"id":"fake","version":1}'
      else
        reply "$id" 401 '{"title":"Unauthorized"}'
      fi ;;
    *) reply "$id" 404 '{"title":"Not Found"}' ;;
  esac
done
