#!/bin/bash
# One-shot (compose service influxdb-init): creates a write-only token for the writer job and a
# read-only token for Grafana, both limited to the one bucket, so neither holds the operator's
# all-access token. They land on the influx-tokens volume; a second run keeps existing ones.
# The influx CLI takes INFLUX_HOST, INFLUX_TOKEN (the operator token) and INFLUX_ORG from the environment.
set -euo pipefail
bucket=${INFLUX_BUCKET:-pilotlight}
if [[ -s /influx-tokens/writer && -s /influx-tokens/grafana ]]; then
  echo "tokens exist; nothing to do"
  exit 0
fi
bucket_id=$(influx bucket list --name "$bucket" --hide-headers | cut -f1)
token_of() { # description permission-flag
  influx auth create --description "$1" "$2" "$bucket_id" --hide-headers | cut -f3
}
umask 022
token_of pilotlight-writer --write-bucket > /influx-tokens/writer.new
token_of pilotlight-grafana --read-bucket > /influx-tokens/grafana.new
mv /influx-tokens/writer.new /influx-tokens/writer
mv /influx-tokens/grafana.new /influx-tokens/grafana
echo "bucket-scoped tokens for the writer and Grafana created"
