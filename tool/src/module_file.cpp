#include <srcver/base/error.hpp>
#include <srcver/base/module_file_names.hpp>
#include <srcver/tool/module_file.hpp>

#include <llvm/ADT/ScopeExit.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>

namespace srcver::tool {
namespace {

// "<file>: cannot decompress: <why>; ..." in words (never a library's return code alone), with what to do.
llvm::Error corrupt(const std::string& path, const std::string& why) {
  return make_error(ErrorCategory::input,
                    "cannot decompress: " + why + "; reinstall or rebuild the module (or give its uncompressed .ko)",
                    path);
}

std::string xz_words(lzma_ret ret) {
  switch (ret) {
  case LZMA_FORMAT_ERROR: return "not xz data (no xz header)";
  case LZMA_OPTIONS_ERROR: return "xz data with options liblzma does not support";
  case LZMA_DATA_ERROR: return "corrupt xz data";
  case LZMA_BUF_ERROR: return "truncated xz data (the file ends before the xz stream does)";
  case LZMA_MEM_ERROR:
  case LZMA_MEMLIMIT_ERROR: return "out of memory while decompressing xz data";
  default: return "corrupt or truncated xz data (liblzma code " + std::to_string(ret) + ")";
  }
}

std::string gzip_words(int ret, const z_stream& strm) {
  const std::string detail = strm.msg != nullptr ? std::string(" (") + strm.msg + ")" : std::string();
  switch (ret) {
  case Z_DATA_ERROR: return "not gzip data, or corrupt gzip data" + detail;
  case Z_BUF_ERROR: return "truncated gzip data (the file ends before the gzip stream does)";
  case Z_MEM_ERROR: return "out of memory while decompressing gzip data";
  default: return "corrupt or truncated gzip data (zlib code " + std::to_string(ret) + ")" + detail;
  }
}

// No kernel module decompresses to more than this (the largest distribution modules, debug information and all, are
// a few hundred MB): a file that does is refused before it takes the machine's memory (a decompression bomb).
constexpr std::size_t k_max_module_bytes = std::size_t(1) << 30;

llvm::Error too_large(const std::string& path) {
  return make_error(ErrorCategory::input,
                    "cannot decompress: it expands to more than 1 GiB, which no kernel module does; reinstall or "
                    "rebuild the module (or give its uncompressed .ko)",
                    path);
}

// What one call of a streaming decoder did: how many bytes it wrote into the chunk, and whether to call it again.
struct DecodeStep {
  std::size_t produced = 0;
  bool again = false;
};

// The whole output of a streaming decoder: `decode(chunk, size)` writes at most `size` bytes into `chunk` per call,
// and what it writes is appended until it says to stop (or fails). More than k_max_module_bytes is refused as soon as
// a call takes the output past it.
template <typename Decode> llvm::Expected<std::string> decode_all(const std::string& path, Decode decode) {
  std::string out;
  char chunk[1 << 16];
  for (bool again = true; again;) {
    auto step = decode(chunk, sizeof chunk);
    if (!step) return step.takeError();
    if (out.size() + step->produced > k_max_module_bytes) return too_large(path);
    out.append(chunk, step->produced);
    again = step->again;
  }
  return out;
}

llvm::Expected<std::string> unxz(llvm::StringRef in, const std::string& path) {
  lzma_stream strm = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&strm, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
    return corrupt(path, "liblzma cannot start a decoder");
  }
  auto end = llvm::make_scope_exit([&] { lzma_end(&strm); });
  strm.next_in = reinterpret_cast<const uint8_t*>(in.data());
  strm.avail_in = in.size();
  lzma_ret ret = LZMA_OK;
  auto out = decode_all(path, [&](char* chunk, std::size_t size) -> llvm::Expected<DecodeStep> {
    strm.next_out = reinterpret_cast<uint8_t*>(chunk);
    strm.avail_out = size;
    ret = lzma_code(&strm, LZMA_FINISH);
    return DecodeStep{size - strm.avail_out, ret == LZMA_OK};
  });
  if (out && ret != LZMA_STREAM_END) return corrupt(path, xz_words(ret));
  return out;
}

llvm::Expected<std::string> unzstd(llvm::StringRef in, const std::string& path) {
  ZSTD_DStream* stream = ZSTD_createDStream();
  auto end = llvm::make_scope_exit([&] { ZSTD_freeDStream(stream); });
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  return decode_all(path, [&](char* chunk, std::size_t size) -> llvm::Expected<DecodeStep> {
    ZSTD_outBuffer output{chunk, size, 0};
    const size_t ret = ZSTD_decompressStream(stream, &output, &input);
    if (ZSTD_isError(ret)) {
      return corrupt(path, std::string("not zstd data, or corrupt zstd data (") + ZSTD_getErrorName(ret) + ")");
    }
    if (input.pos == input.size && output.pos == 0 && ret != 0) {
      return corrupt(path, "truncated zstd data (the file ends before the zstd frame does)");
    }
    return DecodeStep{output.pos, input.pos < input.size || ret != 0};
  });
}

llvm::Expected<std::string> gunzip(llvm::StringRef in, const std::string& path) {
  z_stream strm{};
  if (inflateInit2(&strm, 15 + 32) != Z_OK) return corrupt(path, "zlib cannot start a decoder");
  auto end = llvm::make_scope_exit([&] { inflateEnd(&strm); });
  strm.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  strm.avail_in = static_cast<uInt>(in.size());
  int ret = Z_OK;
  auto out = decode_all(path, [&](char* chunk, std::size_t size) -> llvm::Expected<DecodeStep> {
    strm.next_out = reinterpret_cast<Bytef*>(chunk);
    strm.avail_out = static_cast<uInt>(size);
    ret = inflate(&strm, Z_NO_FLUSH);
    return DecodeStep{size - strm.avail_out, ret == Z_OK};
  });
  if (out && ret != Z_STREAM_END) return corrupt(path, gzip_words(ret, strm));
  return out;
}

} // namespace

llvm::Expected<std::string> read_module_file(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return make_error(ErrorCategory::input, "cannot read: " + buffer.getError().message(), path);
  const llvm::StringRef bytes = (*buffer)->getBuffer();
  const llvm::StringRef name(path);
  if (name.ends_with(".xz")) return unxz(bytes, path);
  if (name.ends_with(".zst")) return unzstd(bytes, path);
  if (name.ends_with(".gz")) return gunzip(bytes, path);
  return bytes.str();
}

std::string find_module_file(const std::string& stem) {
  for (auto suffix : base::k_module_suffixes) {
    std::error_code ec;
    const std::string file = stem + std::string(suffix);
    if (std::filesystem::is_regular_file(file, ec)) return file;
  }
  return {};
}

} // namespace srcver::tool
