// The control plane's offline commands, each on a store (SQLite path or postgresql:// URL):
//
//   crescendo token create --store S --name NAME --grant ROLE[:TENANT]... [--json]
//   crescendo token revoke --store S ID
//   crescendo token list   --store S
//   crescendo identity bind   --store S --subject NAME --name NAME --grant ROLE[:TENANT]...
//   crescendo identity unbind --store S SUBJECT
//   crescendo identity list   --store S
//   crescendo audit verify --store S
//   crescendo audit export --store S [--output FILE]
//   crescendo backup  --store S --to FILE
//   crescendo restore --store S --from FILE
//   crescendo keys rotate --store S --master-key-file F [--new-master-key-file F2]
//
// Exit codes: 0 done; 1 the job failed (audit verify: the chain is broken; restore: the backup
// is corrupt and nothing changed); 2 bad usage.
#include <fmt/format.h>
#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/command.h"
#include "crescendo/api/control_plane.h"
#include "crescendo/base/clock.h"
#include "crescendo/format/file.h"
#include "crescendo/security/crypto.h"
#include "crescendo/security/rbac.h"
#include "crescendo/security/token.h"
#include "crescendo/store/store.h"

namespace crescendo::cli {
namespace {

using Json = nlohmann::json;

constexpr char kBackupKind[] = "crescendo-backup";

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < size; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

// Writes `text` to `path` atomically: a temporary file beside it, flushed to disk, renamed.
Status WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return UnavailableError("cannot write " + tmp);
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
            ::fsync(fileno(f)) == 0;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return UnavailableError("cannot write " + path);
  }
  return Status::Ok();
}

store::AuditEntry CliAudit(std::string action, std::string target, const Json& detail = {}) {
  store::AuditEntry e;
  e.time = RealClock().Now();
  const char* user = std::getenv("USER");
  e.actor = std::string("cli ") + (user ? user : "?");
  e.action = std::move(action);
  e.target = std::move(target);
  e.detail = detail.is_null() ? "{}" : detail.dump(-1, ' ', false, Json::error_handler_t::replace);
  return e;
}

// Runs `job` on the opened store, printing its error with `prefix`.
template <typename Job>
void WithStore(CommandContext& ctx, const std::string& prefix, const std::string& location,
               Job job) {
  StatusOr<std::unique_ptr<store::Store>> store = store::OpenStore(location);
  if (!store.ok()) {
    ctx.err << prefix << ": --store: " << store.status().message() << "\n";
    ctx.exit_code = 1;
    return;
  }
  Status s = job(**store);
  if (!s.ok()) {
    ctx.err << prefix << ": " << s.message() << "\n";
    ctx.exit_code = s.code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
}

// The grants as `token list` and `identity list` print them: "viewer,operator:harmonia".
std::string GrantsText(const std::string& grants_json) {
  std::string out;
  for (const Json& g : Json::parse(grants_json, nullptr, false)) {
    if (!g.is_object() || !g.contains("role") || !g.contains("tenant")) continue;
    out += (out.empty() ? "" : ",") + g["role"].get<std::string>() +
           (g["tenant"] == "*" ? "" : ":" + g["tenant"].get<std::string>());
  }
  return out;
}

void AddToken(CLI::App& app, CommandContext& ctx) {
  CLI::App* token = app.add_subcommand("token", "Create, revoke and list API bearer tokens");
  token->require_subcommand(1);
  struct Flags {
    std::string store, name, id;
    std::vector<std::string> grants;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* create = token->add_subcommand("create", "Create a token; its secret is shown once");
  create->add_option("--store", f->store, "SQLite path or postgresql:// URL")
      ->required()
      ->envname("CRESCENDO_STORE");
  create->add_option("--name", f->name, "Who or what the token is for")->required();
  create
      ->add_option("--grant", f->grants,
                   "ROLE (global) or ROLE:TENANT; ROLE is viewer, operator or admin")
      ->required();
  create->add_flag("--json", f->json, "Print {\"id\", \"token\"} as JSON");
  create->callback([f, &ctx] {
    std::vector<security::Grant> grants;
    for (const std::string& g : f->grants) {
      StatusOr<security::Grant> parsed = security::ParseGrant(g);
      if (!parsed.ok()) {
        ctx.err << "crescendo token create: --grant " << parsed.status().message() << "\n";
        ctx.exit_code = 2;
        return;
      }
      grants.push_back(*parsed);
    }
    WithStore(ctx, "crescendo token create", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(security::MintedToken minted, security::MintToken());
      store::TokenRecord record{minted.id,         f->name,
                                minted.hash,       security::GrantsToJson(grants),
                                RealClock().Now(), std::nullopt};
      CRESCENDO_RETURN_IF_ERROR(store.PutToken(
          record, CliAudit("token.create", "token " + minted.id,
                           {{"name", f->name}, {"grants", Json::parse(record.grants)}})));
      if (f->json) {
        ctx.out << Json{{"id", minted.id}, {"token", minted.bearer}}.dump(
                       -1, ' ', false, Json::error_handler_t::replace)
                << "\n";
      } else {
        ctx.out << minted.bearer << "\n";
        ctx.err << "token " << minted.id << " created for " << f->name
                << "; the secret above is shown once and stored only as an Argon2id hash\n";
      }
      return Status::Ok();
    });
  });
  CLI::App* revoke = token->add_subcommand("revoke", "Revoke a token by id");
  revoke->add_option("--store", f->store, "SQLite path or postgresql:// URL")
      ->required()
      ->envname("CRESCENDO_STORE");
  revoke->add_option("id", f->id, "The token's id (the 12 hex digits after crs_)")->required();
  revoke->callback([f, &ctx] {
    WithStore(ctx, "crescendo token revoke", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_RETURN_IF_ERROR(
          store.RevokeToken(f->id, RealClock().Now(), CliAudit("token.revoke", "token " + f->id)));
      ctx.out << "revoked token " << f->id << "\n";
      return Status::Ok();
    });
  });
  CLI::App* list = token->add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("--store", f->store, "SQLite path or postgresql:// URL")
      ->required()
      ->envname("CRESCENDO_STORE");
  list->callback([f, &ctx] {
    WithStore(ctx, "crescendo token list", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<store::TokenRecord> tokens, store.ListTokens());
      ctx.out << fmt::format("{:<14} {:<20} {:<24} {}\n", "ID", "NAME", "CREATED", "GRANTS");
      for (const store::TokenRecord& t : tokens) {
        const std::string grants = GrantsText(t.grants);
        ctx.out << fmt::format("{:<14} {:<20} {:<24} {}{}\n", t.id, t.name,
                               FormatRfc3339(t.created), grants,
                               t.revoked ? " (revoked " + FormatRfc3339(*t.revoked) + ")" : "");
      }
      return Status::Ok();
    });
  });
}

// Client certificate identities (mutual TLS): a certificate the server's --tls-client-ca
// verifies and whose subject CN or an alternative name is a bound subject gets its grants.
void AddIdentity(CLI::App& app, CommandContext& ctx) {
  CLI::App* identity = app.add_subcommand(
      "identity", "Bind client certificate subjects (mutual TLS) to grants, list and unbind them");
  identity->require_subcommand(1);
  struct Flags {
    std::string store, subject, name;
    std::vector<std::string> grants;
  };
  auto f = std::make_shared<Flags>();
  auto store_flag = [f](CLI::App* cmd) {
    cmd->add_option("--store", f->store, "SQLite path or postgresql:// URL")
        ->required()
        ->envname("CRESCENDO_STORE");
  };
  CLI::App* bind = identity->add_subcommand(
      "bind", "Give the certificates whose CN or alternative name is SUBJECT these grants");
  store_flag(bind);
  bind->add_option("--subject", f->subject,
                   "A certificate subject CN, or a DNS, email or URI alternative name")
      ->required();
  bind->add_option("--name", f->name, "Who or what the identity is (default: the subject)");
  bind->add_option("--grant", f->grants,
                   "ROLE (global) or ROLE:TENANT; ROLE is viewer, operator or admin")
      ->required();
  bind->callback([f, &ctx] {
    if (f->subject.empty() || f->subject.size() > 255) {
      ctx.err << "crescendo identity bind: --subject: expected 1 to 255 characters\n";
      ctx.exit_code = 2;
      return;
    }
    std::vector<security::Grant> grants;
    for (const std::string& g : f->grants) {
      StatusOr<security::Grant> parsed = security::ParseGrant(g);
      if (!parsed.ok()) {
        ctx.err << "crescendo identity bind: --grant " << parsed.status().message() << "\n";
        ctx.exit_code = 2;
        return;
      }
      grants.push_back(*parsed);
    }
    WithStore(ctx, "crescendo identity bind", f->store, [&](store::Store& store) -> Status {
      store::IdentityRecord record{f->subject, f->name.empty() ? f->subject : f->name,
                                   security::GrantsToJson(grants), RealClock().Now()};
      CRESCENDO_RETURN_IF_ERROR(store.PutIdentity(
          record, CliAudit("identity.bind", "certificate " + f->subject,
                           {{"name", record.name}, {"grants", Json::parse(record.grants)}})));
      ctx.out << "bound certificate subject " << f->subject << " to " << GrantsText(record.grants)
              << "\n";
      return Status::Ok();
    });
  });
  CLI::App* unbind = identity->add_subcommand("unbind", "Remove a subject's binding");
  store_flag(unbind);
  unbind->add_option("subject", f->subject, "The bound subject")->required();
  unbind->callback([f, &ctx] {
    WithStore(ctx, "crescendo identity unbind", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_RETURN_IF_ERROR(store.DeleteIdentity(
          f->subject, CliAudit("identity.unbind", "certificate " + f->subject)));
      ctx.out << "unbound certificate subject " << f->subject << "\n";
      return Status::Ok();
    });
  });
  CLI::App* list = identity->add_subcommand("list", "List the bound subjects");
  store_flag(list);
  list->callback([f, &ctx] {
    WithStore(ctx, "crescendo identity list", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<store::IdentityRecord> all, store.ListIdentities());
      ctx.out << fmt::format("{:<32} {:<20} {:<31} {}\n", "SUBJECT", "NAME", "BOUND", "GRANTS");
      for (const store::IdentityRecord& i : all) {
        ctx.out << fmt::format("{:<32} {:<20} {:<31} {}\n", i.subject, i.name,
                               FormatRfc3339(i.created), GrantsText(i.grants));
      }
      return Status::Ok();
    });
  });
}

void AddAudit(CLI::App& app, CommandContext& ctx) {
  CLI::App* audit = app.add_subcommand("audit", "Verify or export the hash-chained audit log");
  audit->require_subcommand(1);
  struct Flags {
    std::string store, output;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the chain; name the first entry altered, removed or reordered");
  verify->add_option("--store", f->store, "SQLite path or postgresql:// URL")
      ->required()
      ->envname("CRESCENDO_STORE");
  verify->callback([f, &ctx] {
    WithStore(ctx, "crescendo audit verify", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(store::AuditHead head, store.GetAuditHead());
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<store::AuditEntry> entries,
                                 store.ListAudit(0, INT64_MAX));
      std::optional<store::AuditFinding> finding = store::VerifyAuditChain(entries, head);
      if (finding) {
        ctx.out << "audit log broken: " << finding->message << "\n";
        ctx.exit_code = 1;
      } else {
        ctx.out << "audit log intact: " << entries.size() << " entries, head "
                << head.hash.substr(0, 16) << "\n";
      }
      return Status::Ok();
    });
  });
  CLI::App* exp = audit->add_subcommand("export", "Write every entry as JSON lines");
  exp->add_option("--store", f->store, "SQLite path or postgresql:// URL")
      ->required()
      ->envname("CRESCENDO_STORE");
  exp->add_option("-o,--output", f->output, "Write to this file instead of stdout");
  exp->callback([f, &ctx] {
    WithStore(ctx, "crescendo audit export", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<store::AuditEntry> entries,
                                 store.ListAudit(0, INT64_MAX));
      std::string lines;
      for (const store::AuditEntry& e : entries)
        lines += api::AuditJson(e).dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
      if (f->output.empty()) {
        ctx.out << lines;
        return Status::Ok();
      }
      CRESCENDO_RETURN_IF_ERROR(WriteAtomically(f->output, lines));
      ctx.err << "wrote " << entries.size() << " entries to " << f->output << "\n";
      return Status::Ok();
    });
  });
}

// A backup file: one header line {"kind", "schema", "sha256", "bytes"}, then the store's Dump()
// as one JSON document whose SHA-256 the header records.
void AddBackup(CLI::App& app, CommandContext& ctx) {
  struct Flags {
    std::string store, path;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* backup = app.add_subcommand(
      "backup", "Write a consistent snapshot of the store (safe while `serve` runs)");
  backup->add_option("--store", f->store, "SQLite path or postgresql:// URL")
      ->required()
      ->envname("CRESCENDO_STORE");
  backup->add_option("--to", f->path, "The backup file to write")->required();
  backup->callback([f, &ctx] {
    WithStore(ctx, "crescendo backup", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_RETURN_IF_ERROR(store.AppendAudit(CliAudit("backup", f->path)).status());
      CRESCENDO_ASSIGN_OR_RETURN(Json dump, store.Dump());
      const std::string body = dump.dump(-1, ' ', false, Json::error_handler_t::replace);
      Json header = {{"kind", kBackupKind},
                     {"schema", dump["schema"]},
                     {"sha256", Sha256Hex(body)},
                     {"bytes", body.size()}};
      CRESCENDO_RETURN_IF_ERROR(WriteAtomically(
          f->path, header.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n" + body));
      ctx.out << "backup written to " << f->path << ": " << body.size() << " bytes, sha256 "
              << header["sha256"].get<std::string>() << "\n";
      return Status::Ok();
    });
  });
  auto r = std::make_shared<Flags>();
  CLI::App* restore = app.add_subcommand(
      "restore", "Replace the store's contents with a backup, verified first (stop `serve`)");
  restore->add_option("--store", r->store, "SQLite path or postgresql:// URL")
      ->required()
      ->envname("CRESCENDO_STORE");
  restore->add_option("--from", r->path, "The backup file to read")->required();
  restore->callback([r, &ctx] {
    WithStore(ctx, "crescendo restore", r->store, [&](store::Store& store) -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(std::string text, format::ReadFile(r->path));
      const size_t newline = text.find('\n');
      Json header = Json::parse(text.substr(0, newline), nullptr, false);
      auto corrupt = [&](const std::string& why) {
        return DataLossError(r->path + ": " + why + "; nothing was changed");
      };
      if (newline == std::string::npos || !header.is_object() ||
          header.value("kind", "") != kBackupKind || !header.contains("sha256")) {
        return corrupt("not a backup written by crescendo backup");
      }
      const std::string body = text.substr(newline + 1);
      if (header.value("bytes", size_t{0}) != body.size()) {
        return corrupt(fmt::format("the header records {} bytes, the file holds {}",
                                   header.value("bytes", size_t{0}), body.size()));
      }
      const std::string digest = Sha256Hex(body);
      if (header["sha256"] != digest) {
        return corrupt("checksum mismatch (header " + header["sha256"].get<std::string>() +
                       ", contents " + digest + ")");
      }
      Json dump = Json::parse(body, nullptr, false);
      if (dump.is_discarded()) return corrupt("the contents are not JSON");
      Status replaced = store.Replace(dump);
      if (!replaced.ok()) return corrupt(replaced.message());
      CRESCENDO_RETURN_IF_ERROR(
          store.AppendAudit(CliAudit("restore", r->path, {{"sha256", digest}})).status());
      ctx.out << "restored " << r->path << " (sha256 " << digest << ")\n";
      return Status::Ok();
    });
  });
}

void AddKeys(CLI::App& app, CommandContext& ctx) {
  CLI::App* keys = app.add_subcommand("keys", "Rotate the tenants' data keys or the master key");
  keys->require_subcommand(1);
  struct Flags {
    std::string store, master, new_master;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* rotate = keys->add_subcommand(
      "rotate",
      "Add a new data key for every tenant (new values use it, old ones still open) and, with "
      "--new-master-key-file, re-wrap every data key under the new master key");
  rotate->add_option("--store", f->store, "SQLite path or postgresql:// URL")
      ->required()
      ->envname("CRESCENDO_STORE");
  rotate->add_option("--master-key-file", f->master, "The current master key")->required();
  rotate->add_option("--new-master-key-file", f->new_master, "The next master key");
  rotate->callback([f, &ctx] {
    WithStore(ctx, "crescendo keys rotate", f->store, [&](store::Store& store) -> Status {
      CRESCENDO_ASSIGN_OR_RETURN(std::string text, format::ReadFile(f->master));
      CRESCENDO_ASSIGN_OR_RETURN(security::Key master,
                                 security::ParseMasterKey(text, "--master-key-file " + f->master));
      security::Key next = master;
      if (!f->new_master.empty()) {
        CRESCENDO_ASSIGN_OR_RETURN(std::string t, format::ReadFile(f->new_master));
        CRESCENDO_ASSIGN_OR_RETURN(
            next, security::ParseMasterKey(t, "--new-master-key-file " + f->new_master));
      }
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<store::DataKey> stored, store.ListDataKeys());
      std::vector<security::WrappedKey> wrapped;
      for (const store::DataKey& k : stored) wrapped.push_back({k.tenant, k.version, k.wrapped});
      CRESCENDO_ASSIGN_OR_RETURN(security::Keyring ring, security::Keyring::Load(master, wrapped));
      CRESCENDO_RETURN_IF_ERROR(ring.RotateDataKeys());
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<security::WrappedKey> rewrapped, ring.Wrap(next));
      std::vector<store::DataKey> out;
      const Timestamp now = RealClock().Now();
      for (const security::WrappedKey& w : rewrapped)
        out.push_back({w.tenant, w.version, w.wrapped, now});
      CRESCENDO_RETURN_IF_ERROR(store.PutDataKeys(
          out, CliAudit("keys.rotate", "data keys",
                        {{"keys", out.size()}, {"new_master", !f->new_master.empty()}})));
      ctx.out << "rotated: " << out.size() << " data keys stored"
              << (f->new_master.empty() ? "" : ", wrapped by the new master key") << "\n";
      return Status::Ok();
    });
  });
}

}  // namespace

void RegisterControlPlaneCommands(CLI::App& app, CommandContext& ctx) {
  AddToken(app, ctx);
  AddIdentity(app, ctx);
  AddAudit(app, ctx);
  AddBackup(app, ctx);
  AddKeys(app, ctx);
}

}  // namespace crescendo::cli
