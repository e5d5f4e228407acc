// Sharding outside Kubernetes: three replica processes (kubernetes_shard_replica) over 3,000
// workloads of the API server double, each holding its shards through PostgreSQL advisory locks
// (store::ShardLocks) on Debian's PostgreSQL 15, started here on 127.0.0.1 with a free port and
// a temporary folder. One replica is killed with SIGKILL: its shards move within one lease
// duration. Then PostgreSQL is stopped: every replica stops acting. The recorded writes show no
// workload scaled by two replicas in the same period, and every write made by the holder of its
// shard's lock (as pg_locks showed it, sampled every 50 ms).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "../metrics/server_process.h"
#include "api_server_double.h"
#include "crescendo/cluster/shards.h"
#include "replica_loop.h"
#include "run_crescendo.h"

extern char** environ;

namespace crescendo::kubernetes {
namespace {

using testing::ApiServerDouble;
using Steady = std::chrono::steady_clock;

constexpr int kWorkloads = 3000;
constexpr int kShards = 12;
constexpr auto kLease = std::chrono::seconds(4);
constexpr auto kMargin = std::chrono::seconds(1);
constexpr auto kRound = std::chrono::seconds(1);
constexpr auto kTick = std::chrono::seconds(2);  // the period
constexpr char kBinDir[] = "/usr/lib/postgresql/15/bin";

// Runs `command` through the shell, as the postgres user when we are root (initdb refuses root).
int RunAsPostgres(const std::string& command) {
  const std::string line =
      geteuid() == 0 ? "runuser -u postgres -- sh -c '" + command + "'" : command;
  return std::system((line + " >/dev/null 2>&1").c_str());
}

// Debian's PostgreSQL 15 in a temporary folder, trust authentication, user crescendo.
class Postgres {
 public:
  Postgres() : dir_("pg"), port_(itest::FreePort()) {
    data_ = dir_.dir() + "/data";
    std::filesystem::create_directory(data_);
    if (geteuid() == 0) std::system(("chown -R postgres " + dir_.dir()).c_str());
    started_ = RunAsPostgres(std::string(kBinDir) + "/initdb -D " + data_ +
                             " -A trust -U crescendo") == 0 &&
               Control("start") == 0;
  }
  ~Postgres() { Control("stop -m immediate"); }
  bool started() const { return started_; }
  std::string url() const {
    return "postgresql://crescendo@127.0.0.1:" + std::to_string(port_) + "/postgres";
  }
  // pg_ctl ACTION: "start", "stop -m fast", ...
  int Control(const std::string& action) {
    return RunAsPostgres(std::string(kBinDir) + "/pg_ctl -D " + data_ + " -w -l " + data_ +
                         "/log -o \"-p " + std::to_string(port_) + " -k " + data_ +
                         " -c listen_addresses=127.0.0.1\" " + action);
  }

 private:
  itest::ServerProcess dir_;  // only its temporary folder
  std::string data_;
  int port_;
  bool started_ = false;
};

// Who held each shard's lock when, read from pg_locks every 50 ms until stopped.
class LockMonitor {
 public:
  explicit LockMonitor(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    thread_ = std::thread([this] {
      while (!stop_) {
        Sample();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  ~LockMonitor() {
    stop_ = true;
    thread_.join();
    PQfinish(conn_);
  }
  struct Sample_ {
    Steady::time_point time;
    std::map<int32_t, std::string> holders;  // shard -> identity
  };
  std::vector<Sample_> samples() const {
    std::lock_guard<std::mutex> lock(mu_);
    return samples_;
  }
  // Holders in the last successful sample at or before `t` (empty when none).
  static std::map<int32_t, std::string> At(const std::vector<Sample_>& samples,
                                           Steady::time_point t) {
    std::map<int32_t, std::string> out;
    for (const Sample_& s : samples) {
      if (s.time > t) break;
      out = s.holders;
    }
    return out;
  }

 private:
  void Sample() {
    const Steady::time_point t = Steady::now();
    PGresult* r = PQexec(conn_,
                         "SELECT l.objid, m.identity FROM pg_locks l JOIN crescendo_shard_members "
                         "m ON m.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND "
                         "l.objsubid = 2 AND l.objid < 2147483647 AND l.mode = 'ExclusiveLock'");
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      Sample_ s{t, {}};
      for (int i = 0; i < PQntuples(r); ++i) {
        s.holders[std::atoi(PQgetvalue(r, i, 0))] = PQgetvalue(r, i, 1);
      }
      std::lock_guard<std::mutex> lock(mu_);
      samples_.push_back(std::move(s));
    }
    PQclear(r);
  }

  PGconn* conn_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Sample_> samples_;  // guarded by mu_
  std::thread thread_;
};

pid_t StartReplica(const std::string& server, const std::string& pg, const std::string& identity,
                   const std::string& log) {
  auto ms = [](auto d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  std::vector<std::string> args = {SHARD_REPLICA,
                                   server,
                                   pg,
                                   identity,
                                   std::to_string(kShards),
                                   std::to_string(kWorkloads),
                                   ms(kLease),
                                   ms(kMargin),
                                   ms(kTick),
                                   ms(kRound)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return err == 0 ? pid : -1;
}

void KillProcess(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

// The replica processes by identity; the destructor kills those still running (a failed
// assertion leaves none behind).
struct Replicas {
  std::map<std::string, pid_t> pids;
  ~Replicas() {
    for (auto& [name, pid] : pids) {
      if (pid > 0) KillProcess(pid);
    }
  }
  void Kill(const std::string& name) {
    KillProcess(pids[name]);
    pids[name] = -1;
  }
};

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

TEST(ShardsPostgresTest, ReplicasShareThroughAdvisoryLocksAndStopWhenPostgresStops) {
  ASSERT_TRUE(std::filesystem::exists(std::string(kBinDir) + "/initdb"))
      << "PostgreSQL 15 is not installed (scripts/install_deps.sh)";
  Postgres pg;
  ASSERT_TRUE(pg.started()) << "initdb or pg_ctl start failed";
  ApiServerDouble server;
  const std::vector<WorkloadId> ids = testing::ReplicaWorkloads(kWorkloads);
  for (const WorkloadId& id : ids) {
    server.AddDeployment(id.ns, id.name, 1, 50, {{"crescendo.io/mode", "kubernetes"}});
  }
  const std::string logs = ::testing::TempDir();
  Replicas replicas;
  const auto t0 = Steady::now();
  for (const char* name : {"r0", "r1", "r2"}) {
    replicas.pids[name] =
        StartReplica(server.url(), pg.url(), name,
                     logs + "/" + std::to_string(::getpid()) + "-replica-" + name + ".log");
    ASSERT_GT(replicas.pids[name], 0) << name;
  }
  std::unique_ptr<LockMonitor> monitor;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the members table exists
  monitor = std::make_unique<LockMonitor>(pg.url());
  std::this_thread::sleep_for(std::chrono::seconds(12));
  const auto killed_at = Steady::now();
  replicas.Kill("r2");
  std::this_thread::sleep_for(std::chrono::seconds(10));
  const auto before_stop = Steady::now();
  ASSERT_EQ(pg.Control("stop -m fast"), 0);
  const auto pg_stopped = Steady::now();
  std::this_thread::sleep_for(kLease + std::chrono::seconds(2));
  for (const char* name : {"r0", "r1"}) replicas.Kill(name);
  const std::vector<LockMonitor::Sample_> samples = monitor->samples();
  monitor.reset();

  const std::vector<ApiServerDouble::Write> writes = server.writes();
  ASSERT_GT(writes.size(), 1000u);
  std::map<std::string, int32_t> shard_of;
  for (const WorkloadId& id : ids) shard_of[id.ns + "/" + id.name] = ShardOf(id, kShards);
  // 1. Every write was made by the holder of its shard's lock (the last sample before it).
  int unfenced = 0;
  for (const auto& w : writes) {
    const auto holders = LockMonitor::At(samples, w.time);
    auto it = holders.find(shard_of[w.ns + "/" + w.name]);
    if (it == holders.end() || "crescendo/" + it->second != w.agent) ++unfenced;
  }
  EXPECT_EQ(unfenced, 0);
  // 2. No workload scaled by two replicas in the same period.
  std::map<std::pair<std::string, int64_t>, std::set<std::string>> writers;
  for (const auto& w : writes)
    writers[{w.ns + "/" + w.name, (w.time - t0) / kTick}].insert(w.agent);
  int doubled = 0;
  for (const auto& [key, agents] : writers) doubled += agents.size() > 1;
  EXPECT_EQ(doubled, 0);
  // 3. The killed replica's shards moved within one lease duration of the kill.
  const auto at_kill = LockMonitor::At(samples, killed_at);
  std::set<int32_t> killed_shards;
  for (const auto& [k, holder] : at_kill) {
    if (holder == "r2") killed_shards.insert(k);
  }
  EXPECT_FALSE(killed_shards.empty());
  Steady::duration slowest{0};
  for (int32_t k : killed_shards) {
    Steady::time_point moved = Steady::time_point::max();
    for (const auto& s : samples) {
      auto it = s.holders.find(k);
      if (s.time > killed_at && it != s.holders.end() && it->second != "r2") {
        moved = s.time;
        break;
      }
    }
    ASSERT_NE(moved, Steady::time_point::max()) << "shard " << k << " never moved";
    slowest = std::max(slowest, moved - killed_at);
  }
  EXPECT_LE(slowest, kLease);
  // 4. After the kill, the two survivors hold every shard.
  std::set<std::string> holders;
  const auto before = LockMonitor::At(samples, before_stop);
  for (const auto& [k, holder] : before) holders.insert(holder);
  EXPECT_EQ(before.size(), static_cast<size_t>(kShards));
  EXPECT_EQ(holders, (std::set<std::string>{"r0", "r1"}));
  // 5. PostgreSQL stopped: no replica acted later than one round after it (and never later
  // than lease - margin, the bound fencing guarantees).
  std::map<std::string, int64_t> per_agent;
  Steady::duration last_after_stop{0};
  for (const auto& w : writes) {
    per_agent[w.agent]++;
    if (w.time > pg_stopped) last_after_stop = std::max(last_after_stop, w.time - pg_stopped);
  }
  EXPECT_LE(last_after_stop, kLease - kMargin);
  for (const char* name : {"r0", "r1", "r2"}) {
    EXPECT_GT(per_agent[std::string("crescendo/") + name], 0) << name;
  }
  std::printf(
      "shards over postgresql: %zu writes; killed replica's %zu shards moved within %.2f s of "
      "the kill (lease %lld s); unfenced writes %d; doubled periods %d; last write %.2f s after "
      "PostgreSQL stopped\n",
      writes.size(), killed_shards.size(), Seconds(slowest), static_cast<long long>(kLease.count()),
      unfenced, doubled, Seconds(last_after_stop));
}

// `crescendo run --backend kubernetes --shard-lock URL`: the binary joins through PostgreSQL,
// waits a lease duration (15 s) after taking its shards, then scales.
TEST(ShardsPostgresTest, RunHoldsItsShardsThroughTheLockThenScales) {
  if (std::string(CRESCENDO_BINARY).empty()) GTEST_SKIP() << "the crescendo binary is not built";
  Postgres pg;
  ASSERT_TRUE(pg.started()) << "initdb or pg_ctl start failed";
  ApiServerDouble server;
  server.AddDeployment("shop", "api", 2, 100,
                       {{"crescendo.io/mode", "kubernetes"}, {"crescendo.io/max-replicas", "8"}});
  server.SetUsage("shop", "api", 300, 100 << 20);  // 300% of the request: scale up
  const std::string kubeconfig =
      ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-kubeconfig-shard-lock";
  server.WriteKubeconfig(kubeconfig);
  const auto started = Steady::now();
  testing::Outcome run =
      testing::RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig +
                            " --interval 1s --duration 19s --shards 4 --shard-lock " + pg.url());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_GT(server.Replicas("shop", "api"), 2) << run.output;
  // No write before a lease duration (15 s) had passed since the start.
  ASSERT_FALSE(server.writes().empty());
  EXPECT_GE(server.writes()[0].time - started, std::chrono::seconds(15));
  PGconn* conn = PQconnectdb(pg.url().c_str());
  PGresult* r = PQexec(conn, "SELECT namespace, identity FROM crescendo_shard_members");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
  ASSERT_EQ(PQntuples(r), 1);
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 0)), server.url() + "/prod");
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 1)), "crescendo");
  PQclear(r);
  PQfinish(conn);
}

}  // namespace
}  // namespace crescendo::kubernetes
