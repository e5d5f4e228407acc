#include <libpq-fe.h>

#include "store/db.h"

namespace crescendo::store {
namespace {

// Rewrites `?` placeholders to $1, $2, ... (the store's statements hold no `?` in literals).
std::string Numbered(const std::string& sql) {
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

class PostgresDb final : public Db {
 public:
  explicit PostgresDb(PGconn* conn) : conn_(conn) {}
  ~PostgresDb() override { PQfinish(conn_); }

  StatusOr<std::vector<Row>> Exec(const std::string& sql,
                                  const std::vector<Value>& params) override {
    if (PQstatus(conn_) != CONNECTION_OK) {
      PQreset(conn_);  // the server came back: reconnect
      if (PQstatus(conn_) != CONNECTION_OK) {
        return UnavailableError("postgresql: " + std::string(PQerrorMessage(conn_)));
      }
    }
    std::vector<const char*> values;
    for (const Value& v : params) values.push_back(v ? v->c_str() : nullptr);
    PGresult* res = PQexecParams(conn_, Numbered(sql).c_str(), static_cast<int>(values.size()),
                                 nullptr, values.data(), nullptr, nullptr, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      std::string message = PQresultErrorMessage(res);
      PQclear(res);
      while (!message.empty() && message.back() == '\n') message.pop_back();
      return UnavailableError("postgresql: " + message + " (in: " + sql.substr(0, 60) + ")");
    }
    std::vector<Row> rows(PQntuples(res), Row(PQnfields(res)));
    for (int r = 0; r < PQntuples(res); ++r) {
      for (int c = 0; c < PQnfields(res); ++c) {
        if (!PQgetisnull(res, r, c)) rows[r][c] = std::string(PQgetvalue(res, r, c));
      }
    }
    PQclear(res);
    return rows;
  }

  Status BeginWrite() override {
    CRESCENDO_RETURN_IF_ERROR(Exec("BEGIN", {}).status());
    // One writer at a time across every replica, so the audit chain has one order.
    Status locked = Exec("SELECT pg_advisory_xact_lock(4242)", {}).status();
    if (!locked.ok()) Rollback();
    return locked;
  }
  Status BeginRead() override {
    return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", {}).status();
  }
  Status Commit() override { return Exec("COMMIT", {}).status(); }
  void Rollback() override { Exec("ROLLBACK", {}).status().IgnoreError(); }
  bool postgres() const override { return true; }

 private:
  PGconn* conn_;
};

}  // namespace

StatusOr<std::unique_ptr<Db>> OpenPostgres(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return UnavailableError("postgresql: cannot connect: " + message);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Db>(std::make_unique<PostgresDb>(conn));
}

}  // namespace crescendo::store
