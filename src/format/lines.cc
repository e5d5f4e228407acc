#include "crescendo/format/lines.h"

#include <zlib.h>

#include <cstring>

namespace crescendo::format {
namespace {

constexpr size_t kChunk = size_t{64} << 10;

std::string TooLong(size_t max_line_bytes) {
  constexpr size_t kMiB = size_t{1} << 20;
  if (max_line_bytes % kMiB == 0) {
    return "line longer than " + std::to_string(max_line_bytes / kMiB) + " MiB";
  }
  return "line longer than " + std::to_string(max_line_bytes) + " bytes";
}

}  // namespace

struct LineReader::Inflater {
  z_stream z{};
  bool ended = false;       // the current gzip member ended
  bool input_done = false;  // the file has no more bytes
  ~Inflater() { inflateEnd(&z); }
};

LineReader::LineReader(std::unique_ptr<InputStream> stream, size_t max_line_bytes)
    : stream_(std::move(stream)), max_line_bytes_(max_line_bytes) {}

LineReader::~LineReader() = default;

StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path,
                                                       size_t max_line_bytes) {
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<InputStream> stream, OpenFile(path));
  std::unique_ptr<LineReader> reader(new LineReader(std::move(stream), max_line_bytes));
  CRESCENDO_RETURN_IF_ERROR(reader->Start());
  return reader;
}

Status LineReader::Start() {
  raw_.resize(kChunk);
  text_.resize(kChunk);
  size_t have = 0;
  while (have < 2) {  // enough to see the magic bytes, whatever size the stream hands over
    CRESCENDO_ASSIGN_OR_RETURN(size_t n, stream_->Read(raw_.data() + have, raw_.size() - have));
    if (n == 0) break;
    have += n;
  }
  compressed_ = have >= 2 && static_cast<unsigned char>(raw_[0]) == 0x1f &&
                static_cast<unsigned char>(raw_[1]) == 0x8b;
  if (!compressed_) {
    raw_.swap(text_);  // the first chunk is text already
    at_ = 0;
    end_ = have;
    return Status::Ok();
  }
  inflater_ = std::make_unique<Inflater>();
  // 16 + MAX_WBITS: a gzip wrapper (zlib manual, inflateInit2).
  if (inflateInit2(&inflater_->z, 16 + MAX_WBITS) != Z_OK) {
    return InternalError("cannot start the gzip decoder");
  }
  inflater_->z.next_in = reinterpret_cast<Bytef*>(raw_.data());
  inflater_->z.avail_in = static_cast<uInt>(have);
  return Status::Ok();
}

StatusOr<bool> LineReader::Fill() {
  at_ = end_ = 0;
  if (!compressed_) {
    CRESCENDO_ASSIGN_OR_RETURN(size_t n, stream_->Read(text_.data(), text_.size()));
    end_ = n;
    return n > 0;
  }
  Inflater& f = *inflater_;
  while (true) {
    if (f.z.avail_in == 0 && !f.input_done) {
      CRESCENDO_ASSIGN_OR_RETURN(size_t n, stream_->Read(raw_.data(), raw_.size()));
      f.input_done = n == 0;
      f.z.next_in = reinterpret_cast<Bytef*>(raw_.data());
      f.z.avail_in = static_cast<uInt>(n);
    }
    if (f.ended) {
      if (f.z.avail_in == 0) {
        if (f.input_done) return false;
        continue;
      }
      // Another member follows (gzip -d reads concatenated members); anything else is refused.
      if (f.z.avail_in >= 2 && (f.z.next_in[0] != 0x1f || f.z.next_in[1] != 0x8b)) {
        return InvalidArgumentError("corrupt gzip: data after the end of the compressed stream");
      }
      inflateReset(&f.z);
      f.ended = false;
    }
    f.z.next_out = reinterpret_cast<Bytef*>(text_.data());
    f.z.avail_out = static_cast<uInt>(text_.size());
    const int ret = inflate(&f.z, Z_NO_FLUSH);
    const size_t produced = text_.size() - f.z.avail_out;
    if (ret == Z_STREAM_END) {
      f.ended = true;
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      return InvalidArgumentError(std::string("corrupt gzip: ") +
                                  (f.z.msg != nullptr ? f.z.msg : "unknown error"));
    }
    if (produced > 0) {
      end_ = produced;
      return true;
    }
    if (!f.ended && f.z.avail_in == 0 && f.input_done) {
      return InvalidArgumentError("truncated gzip (the file ends inside the compressed stream)");
    }
  }
}

StatusOr<bool> LineReader::Next(std::string& line) {
  if (!failed_.ok()) return failed_;
  line.clear();
  bool any = false;  // a byte of this line was read
  while (true) {
    if (at_ == end_) {
      StatusOr<bool> more = Fill();
      if (!more.ok()) {
        ++line_number_;
        failed_ = more.status();
        return failed_;
      }
      if (!*more) {
        if (!any) return false;
        ++line_number_;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
    }
    any = true;
    const char* begin = text_.data() + at_;
    const void* newline = std::memchr(begin, '\n', end_ - at_);
    const size_t n = newline != nullptr ? static_cast<const char*>(newline) - begin : end_ - at_;
    // One byte more than the limit may be a "\r" before the "\n".
    if (line.size() + n > max_line_bytes_ + 1) {
      ++line_number_;
      failed_ = ResourceExhaustedError(TooLong(max_line_bytes_));
      return failed_;
    }
    line.append(begin, n);
    at_ += n + (newline != nullptr ? 1 : 0);
    if (newline != nullptr) {
      ++line_number_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > max_line_bytes_) {
        failed_ = ResourceExhaustedError(TooLong(max_line_bytes_));
        return failed_;
      }
      return true;
    }
  }
}

StatusOr<std::vector<std::string>> ReadLines(const std::string& path, size_t max_line_bytes) {
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<LineReader> reader,
                             LineReader::Open(path, max_line_bytes));
  std::vector<std::string> lines;
  std::string line;
  while (true) {
    StatusOr<bool> more = reader->Next(line);
    if (!more.ok()) {
      return Status(more.status().code(), path + ":" + std::to_string(reader->line_number()) +
                                              ": " + std::string(more.status().message()));
    }
    if (!*more) return lines;
    lines.push_back(line);
  }
}

}  // namespace crescendo::format
