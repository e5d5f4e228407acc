// The store's schema: the migrations, in order, and the tables a backup holds.
#ifndef CRESCENDO_STORE_SCHEMA_H_
#define CRESCENDO_STORE_SCHEMA_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace crescendo::store {

// One migration: applied once, in one transaction, recorded in schema_migrations. Statements use
// only types both databases read alike (BIGINT, TEXT); never edit a released migration, append.
struct Migration {
  int64_t version;
  std::string description;
  std::vector<std::string> statements;
};

std::span<const Migration> Migrations();

// A table a backup holds: its name, its columns in order, and the column it is ordered by.
struct TableSpec {
  std::string name;
  std::vector<std::string> columns;
  std::string order_by;
};

std::span<const TableSpec> BackedUpTables();

}  // namespace crescendo::store

#endif  // CRESCENDO_STORE_SCHEMA_H_
