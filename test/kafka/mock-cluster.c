/* A Kafka-protocol cluster for Flint's tests: librdkafka's in-memory mock brokers on 127.0.0.1
 * random ports. Prints "bootstrap <host:port,...>" on stdout once ready, then runs until its
 * standard input closes or it gets SIGTERM/SIGINT (so it dies with the test process that spawned it).
 * Lines on standard input steer it: "down <broker id>" and "up <broker id>" (ids from 1).
 *   mock-cluster <brokers> [topic:partitions ...]
 * The mock has no admin API: topics are created here. Build:
 *   gcc -O2 -o mock-cluster mock-cluster.c $(pkg-config --cflags --libs rdkafka) */
#define _POSIX_C_SOURCE 200809L
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
  char errstr[512];
  int brokers = argc > 1 ? atoi(argv[1]) : 1;
  if (brokers < 1) {
    fprintf(stderr, "usage: mock-cluster <brokers> [topic:partitions ...]\n");
    return 2;
  }
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "mock-cluster: rd_kafka_new failed: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) {
    fprintf(stderr, "mock-cluster: rd_kafka_mock_cluster_new failed\n");
    return 1;
  }
  for (int i = 2; i < argc; i++) {
    char *colon = strrchr(argv[i], ':');
    int partitions = colon ? atoi(colon + 1) : 1;
    if (colon) *colon = '\0';
    if (partitions < 1 || rd_kafka_mock_topic_create(mc, argv[i], partitions, 1) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fprintf(stderr, "mock-cluster: cannot create topic %s\n", argv[i]);
      return 1;
    }
  }
  struct sigaction sa; /* no SA_RESTART: a signal ends the blocking fgets below */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  char line[256];
  while (!stop && fgets(line, sizeof line, stdin)) {
    int id;
    if (sscanf(line, "down %d", &id) == 1) rd_kafka_mock_broker_set_down(mc, id);
    else if (sscanf(line, "up %d", &id) == 1) rd_kafka_mock_broker_set_up(mc, id);
    printf("ok\n");
    fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
