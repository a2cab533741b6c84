// Replay driver for the fuzz targets in normal (gcc, no libFuzzer) builds: `bazel test //fuzz:all`
// runs each target's LLVMFuzzerTestOneInput on every file of the corpus directories (or files)
// given as arguments, on a few mutations of each (truncated, bytes flipped, bytes inserted), and on
// deterministic pseudo-random inputs, so the properties the targets check hold in CI on the
// checked-in corpora. A violated property aborts, failing the test. FUZZ_REPLAY_RANDOM sets the
// number of random inputs (default 1500); FUZZ_REPLAY_VERBOSE=1 prints each file as it runs.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void Run(const std::string& input) {
  // A copy in its own allocation, so that ASan sees reads past the end.
  std::vector<uint8_t> copy(input.begin(), input.end());
  LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
}

void CollectFiles(const std::string& path, std::vector<std::string>* files) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "replay: cannot stat %s\n", path.c_str());
    std::exit(2);
  }
  if (!S_ISDIR(st.st_mode)) {
    files->push_back(path);
    return;
  }
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(dir)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) CollectFiles(path + "/" + name, files);
}

}  // namespace

int main(int argc, char** argv) {
  const bool verbose = std::getenv("FUZZ_REPLAY_VERBOSE") != nullptr;
  const char* random_env = std::getenv("FUZZ_REPLAY_RANDOM");
  const long random_count = random_env != nullptr ? std::atol(random_env) : 1500;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) CollectFiles(argv[i], &files);

  std::mt19937_64 rng(0x6672616d656b6974ull);  // "framekit"
  std::vector<std::string> corpus;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (verbose) std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
    Run(bytes);
    corpus.push_back(std::move(bytes));
  }
  size_t mutations = 0;
  for (const std::string& seed : corpus) {
    for (int m = 0; m < 24; ++m, ++mutations) {
      std::string bytes = seed;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const size_t at = bytes.empty() ? 0 : rng() % bytes.size();
        switch (rng() % 4) {
          case 0:
            bytes.resize(at);
            break;
          case 1:
            if (!bytes.empty()) bytes[at] = static_cast<char>(rng());
            break;
          case 2:
            bytes.insert(bytes.begin() + at, static_cast<char>(rng()));
            break;
          default:
            if (!bytes.empty()) bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
            break;
        }
      }
      Run(bytes);
    }
  }
  for (long i = 0; i < random_count; ++i) {
    std::string bytes(rng() % 300, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    Run(bytes);
  }
  std::printf("replay: %zu corpus files, %zu mutations, %ld random inputs: all properties held\n",
              corpus.size(), mutations, random_count);
  return 0;
}
