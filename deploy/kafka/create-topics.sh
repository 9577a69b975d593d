#!/usr/bin/env bash
# One-shot (compose service kafka-init): creates the contract's topics (docs/contract.md, "Topics") with
# their partitions and retention. Kept equal to Topics.SPECS in common/ by DeployFilesTest.
set -euo pipefail
bootstrap=${KAFKA_BOOTSTRAP:-kafka:9092}
rf=${REPLICATION_FACTOR:-1}   # 3 on a real cluster

topic() { # name partitions [config=value ...]
  local name=$1 partitions=$2
  shift 2
  local configs=()
  for c in "$@"; do configs+=(--config "$c"); done
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$rf" "${configs[@]}"
}

topic llm.invocations 6 retention.ms=604800000 message.timestamp.type=LogAppendTime
topic llm.feedback    3 retention.ms=604800000 message.timestamp.type=LogAppendTime
topic llm.heartbeats  1 retention.ms=604800000 message.timestamp.type=LogAppendTime
topic guard.metrics   3 retention.ms=604800000 message.timestamp.type=LogAppendTime
topic guard.alerts    1 retention.ms=2592000000 message.timestamp.type=LogAppendTime
topic guard.control   1 retention.ms=2592000000 message.timestamp.type=LogAppendTime
topic guard.releases  1 cleanup.policy=compact message.timestamp.type=LogAppendTime
topic guard.dlq       1 retention.ms=2592000000 message.timestamp.type=LogAppendTime
topic guard.rules     1 cleanup.policy=compact message.timestamp.type=LogAppendTime
topic guard.drift     1 retention.ms=3024000000 message.timestamp.type=LogAppendTime
topic guard.drift-baselines 1 cleanup.policy=compact message.timestamp.type=LogAppendTime
topic guard.experiments 1 cleanup.policy=compact message.timestamp.type=LogAppendTime
topic guard.scorecards 1 cleanup.policy=compact message.timestamp.type=LogAppendTime
topic guard.reviews 1 cleanup.policy=compact message.timestamp.type=LogAppendTime
echo "topics ready"
