#!/usr/bin/env bash
# Builds the Native AOT `bootstrap` and deploys the whole stack with CloudFormation.
#
#   deploy/deploy.sh <stack-name> <artifact-bucket> [x86_64|arm64]
#
# Needs: the AWS CLI v2 with credentials, the .NET 10 SDK, clang and zlib1g-dev (Native AOT), zip.
# Settings come from the environment: SMTP_HOST SMTP_USERNAME SMTP_FROM ALARM_TOPIC_ARN (optional SMTP_PORT,
# default 587, SMTP_SECURITY, default starttls, SMTP_PASSWORD_PARAMETER, default /cleancqrs/smtp-password).
# The SMTP password is never passed here: store it first as an SSM SecureString named SMTP_PASSWORD_PARAMETER
# (README, "Deploy to AWS"); the function reads it at start.
# STACK_PARAMETERS adds template parameters, e.g. STACK_PARAMETERS="OutboxShards=32 KeepLegacyPendingIndex=true".
# docs/operations.md describes the stack, its metrics and alarms, and how to run it.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: deploy/deploy.sh <stack-name> <artifact-bucket> [x86_64|arm64]"
stack=${1:?$usage}
bucket=${2:?$usage}
arch=${3:-x86_64}
case "$arch" in
  x86_64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
: "${SMTP_HOST:?set SMTP_HOST}" "${SMTP_USERNAME:?set SMTP_USERNAME}" "${SMTP_FROM:?set SMTP_FROM}"
: "${ALARM_TOPIC_ARN:?set ALARM_TOPIC_ARN (an SNS topic for alarm notifications)}"
password_parameter=${SMTP_PASSWORD_PARAMETER:-/cleancqrs/smtp-password}
# Fail before building anything if the secret is missing or stored in plain text.
type=$(aws ssm describe-parameters --parameter-filters "Key=Name,Values=$password_parameter" \
  --query 'Parameters[0].Type' --output text)
if [ "$type" != "SecureString" ]; then
  echo "SSM parameter $password_parameter must exist as a SecureString (found: $type); see README, Deploy to AWS" >&2
  exit 2
fi

out=artifacts/lambda-$rid
deploy/publish-aot.sh "$arch" "$out"
rm -f "$out/function.zip"
# The custom runtime runs the file named bootstrap; the SQLite library is for local mode only.
(cd "$out" && zip -q -9 function.zip bootstrap)

key="$stack/function-$(sha256sum "$out/function.zip" | cut -c1-16).zip"
aws s3 cp "$out/function.zip" "s3://$bucket/$key"

aws cloudformation deploy \
  --stack-name "$stack" \
  --template-file deploy/template.yaml \
  --capabilities CAPABILITY_IAM \
  --parameter-overrides \
    CodeS3Bucket="$bucket" CodeS3Key="$key" Architecture="$arch" \
    SmtpHost="$SMTP_HOST" SmtpPort="${SMTP_PORT:-587}" SmtpSecurity="${SMTP_SECURITY:-starttls}" \
    SmtpUsername="$SMTP_USERNAME" SmtpPasswordParameterName="$password_parameter" SmtpFrom="$SMTP_FROM" \
    AlarmTopicArn="$ALARM_TOPIC_ARN" \
    ${STACK_PARAMETERS:-}

aws cloudformation describe-stacks --stack-name "$stack" \
  --query "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue" --output text
