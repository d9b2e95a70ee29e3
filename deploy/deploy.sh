#!/usr/bin/env bash
# Build the Native AOT `bootstrap` and deploy the whole stack with CloudFormation.
#
#   deploy/deploy.sh <stack-name> <artifact-bucket> [x86_64|arm64]
#
# Needs: the AWS CLI v2 with credentials, the .NET 10 SDK and clang (Native AOT), zip.
# SMTP settings come from the environment: SMTP_HOST SMTP_USERNAME SMTP_PASSWORD SMTP_FROM
# (optional SMTP_PORT, default 587, and SMTP_SECURITY, default starttls).
set -euo pipefail
cd "$(dirname "$0")/.."

stack=${1:?usage: deploy/deploy.sh <stack-name> <artifact-bucket> [x86_64|arm64]}
bucket=${2:?usage: deploy/deploy.sh <stack-name> <artifact-bucket> [x86_64|arm64]}
arch=${3:-x86_64}
case "$arch" in
  x86_64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "architecture must be x86_64 or arm64" >&2; exit 2 ;;
esac
: "${SMTP_HOST:?set SMTP_HOST}" "${SMTP_USERNAME:?set SMTP_USERNAME}" "${SMTP_PASSWORD:?set SMTP_PASSWORD}" "${SMTP_FROM:?set SMTP_FROM}"

out=artifacts/lambda-$rid
rm -rf "$out" && mkdir -p "$out"
dotnet publish src/LambdaHost -c Release -r "$rid" -p:PublishAot=true -o "$out/publish"
# The custom runtime runs a file named bootstrap.
cp "$out/publish/LambdaHost" "$out/bootstrap"
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
    SmtpUsername="$SMTP_USERNAME" SmtpPassword="$SMTP_PASSWORD" SmtpFrom="$SMTP_FROM"

aws cloudformation describe-stacks --stack-name "$stack" \
  --query "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue" --output text
