// Db: the few SQL operations the store needs, over one connection of SQLite or PostgreSQL.
//
// Statements use `?` placeholders; the PostgreSQL connection rewrites them to $1, $2, ...
// Values travel as text or NULL (both databases convert text to the column's type); rows come
// back as text, NULL as nullopt.
//
// Thread safety: none; SqlStore serialises every call.
#ifndef CRESCENDO_STORE_DB_H_
#define CRESCENDO_STORE_DB_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"

namespace crescendo::store {

using Value = std::optional<std::string>;
using Row = std::vector<Value>;

class Db {
 public:
  virtual ~Db() = default;
  // Runs one statement with `params`; returns its rows (none for writes). Errors: Unavailable
  // with the database's message.
  virtual StatusOr<std::vector<Row>> Exec(const std::string& sql,
                                          const std::vector<Value>& params = {}) = 0;
  // Starts a write transaction that holds the database's writer lock until Commit/Rollback.
  virtual Status BeginWrite() = 0;
  // Starts a read transaction (a consistent snapshot).
  virtual Status BeginRead() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // True when the connection is PostgreSQL (for the few dialect differences).
  virtual bool postgres() const = 0;
};

// Opens a SQLite database file (created when missing), in WAL mode with synchronous=FULL.
StatusOr<std::unique_ptr<Db>> OpenSqlite(const std::string& path);
// Connects to PostgreSQL at `url` (libpq connection URI).
StatusOr<std::unique_ptr<Db>> OpenPostgres(const std::string& url);

}  // namespace crescendo::store

#endif  // CRESCENDO_STORE_DB_H_
