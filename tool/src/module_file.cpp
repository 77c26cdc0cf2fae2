#include <srcver/base/error.hpp>
#include <srcver/base/module_file_names.hpp>
#include <srcver/tool/module_file.hpp>

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

llvm::Expected<std::string> unxz(llvm::StringRef in, const std::string& path) {
  lzma_stream strm = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&strm, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
    return corrupt(path, "liblzma cannot start a decoder");
  }
  std::string out;
  char chunk[1 << 16];
  strm.next_in = reinterpret_cast<const uint8_t*>(in.data());
  strm.avail_in = in.size();
  lzma_ret ret = LZMA_OK;
  while (ret == LZMA_OK) {
    strm.next_out = reinterpret_cast<uint8_t*>(chunk);
    strm.avail_out = sizeof chunk;
    ret = lzma_code(&strm, LZMA_FINISH);
    if (out.size() + (sizeof chunk - strm.avail_out) > k_max_module_bytes) {
      lzma_end(&strm);
      return too_large(path);
    }
    out.append(chunk, sizeof chunk - strm.avail_out);
  }
  lzma_end(&strm);
  if (ret != LZMA_STREAM_END) return corrupt(path, xz_words(ret));
  return out;
}

llvm::Expected<std::string> unzstd(llvm::StringRef in, const std::string& path) {
  ZSTD_DStream* stream = ZSTD_createDStream();
  std::string out;
  char chunk[1 << 16];
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  size_t ret = 1;
  while (input.pos < input.size || ret != 0) {
    ZSTD_outBuffer output{chunk, sizeof chunk, 0};
    ret = ZSTD_decompressStream(stream, &output, &input);
    if (ZSTD_isError(ret)) {
      ZSTD_freeDStream(stream);
      return corrupt(path, std::string("not zstd data, or corrupt zstd data (") + ZSTD_getErrorName(ret) + ")");
    }
    if (out.size() + output.pos > k_max_module_bytes) {
      ZSTD_freeDStream(stream);
      return too_large(path);
    }
    out.append(chunk, output.pos);
    if (input.pos == input.size && output.pos == 0 && ret != 0) {
      ZSTD_freeDStream(stream);
      return corrupt(path, "truncated zstd data (the file ends before the zstd frame does)");
    }
  }
  ZSTD_freeDStream(stream);
  return out;
}

llvm::Expected<std::string> gunzip(llvm::StringRef in, const std::string& path) {
  z_stream strm{};
  if (inflateInit2(&strm, 15 + 32) != Z_OK) return corrupt(path, "zlib cannot start a decoder");
  std::string out;
  char chunk[1 << 16];
  strm.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  strm.avail_in = static_cast<uInt>(in.size());
  int ret = Z_OK;
  while (ret == Z_OK) {
    strm.next_out = reinterpret_cast<Bytef*>(chunk);
    strm.avail_out = sizeof chunk;
    ret = inflate(&strm, Z_NO_FLUSH);
    if (out.size() + (sizeof chunk - strm.avail_out) > k_max_module_bytes) {
      inflateEnd(&strm);
      return too_large(path);
    }
    out.append(chunk, sizeof chunk - strm.avail_out);
    if (ret == Z_BUF_ERROR && strm.avail_in == 0) break;
  }
  std::string words = ret == Z_STREAM_END ? std::string() : gzip_words(ret, strm);
  inflateEnd(&strm);
  if (ret != Z_STREAM_END) return corrupt(path, words);
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
