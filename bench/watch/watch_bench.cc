// watch_bench: how fast slant's file watcher sets up on a big tree, how long a write takes to come
// out as a batch, and what an idle watch costs.
//
//   watch_bench --tree DIR --files N --dirs D [--ignored-files M] [--debounce-ms W ...]
//               [--iterations K] [--idle-seconds S]
//   watch_bench --matcher
//
// The tree (created once, reused when DIR/.complete says it has the same shape) holds N files
// spread evenly over D directories two levels deep, and, with --ignored-files, a node_modules/
// of M more files that the watch ignores. Then, in one process:
//  - setup: the time from watch() until every directory is watched (InotifyWatcher::whenSettled),
//    the number of inotify watches, and the growth of resident memory (VmRSS);
//  - latency, for each debounce window W: K times, write to a random file and measure the time
//    from the completed write (close) until the batch that contains it arrives; prints p50, p95
//    and max, p50 - W, and the p95 of the write's own open+write+close;
//  - idle: S seconds with nothing changing; prints the CPU time (utime + stime, /proc/self/stat)
//    spent meanwhile.
// --matcher instead times the ignore check of one path (the built-in ignores and a dozen
// patterns) and matchesEntireDir. Output is one "key: value" line per number.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/asio_loop.h"
#include "watch/ignore.h"
#include "watch/inotify_watcher.h"

namespace {

using namespace std::chrono;
using slant::engine::AsioLoop;
using slant::engine::Clock;
using slant::watch::InotifyWatcher;

struct Options {
  std::string tree;
  long files = 10'000;
  long dirs = 1'000;
  long ignored_files = 0;
  std::vector<long> debounce_ms;
  int iterations = 40;
  int idle_seconds = 0;
  bool matcher_only = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "watch_bench: %s\nusage: watch_bench --tree DIR --files N --dirs D "
               "[--ignored-files M] [--debounce-ms W ...] [--iterations K] [--idle-seconds S]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--tree") {
      o.tree = next();
    } else if (a == "--files") {
      o.files = std::stol(next());
    } else if (a == "--dirs") {
      o.dirs = std::stol(next());
    } else if (a == "--ignored-files") {
      o.ignored_files = std::stol(next());
    } else if (a == "--debounce-ms") {
      o.debounce_ms.push_back(std::stol(next()));
    } else if (a == "--iterations") {
      o.iterations = std::stoi(next());
    } else if (a == "--matcher") {
      o.matcher_only = true;
    } else if (a == "--idle-seconds") {
      o.idle_seconds = std::stoi(next());
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  if (o.matcher_only) return o;
  if (o.tree.empty() || o.tree.front() != '/') usage("--tree must be an absolute path");
  if (o.dirs < 1 || o.files < 1) usage("--files and --dirs must be positive");
  if (o.debounce_ms.empty()) o.debounce_ms.push_back(200);
  return o;
}

long rssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

// utime + stime of this process, in seconds.
double cpuSeconds() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')'.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void writeFile(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  if (::write(fd, text.data(), text.size()) < 0) std::perror("write");
  ::close(fd);
}

// Two levels: top/ holds ceil(sqrt(D)) directories, each holding its share of the D leaves.
std::string leafDir(const std::string& tree, long d, long fanout) {
  return tree + "/src/t" + std::to_string(d / fanout) + "/d" + std::to_string(d);
}
std::string filePath(const std::string& tree, long f, long dirs, long fanout) {
  return leafDir(tree, f % dirs, fanout) + "/f" + std::to_string(f) + ".txt";
}

void makeTree(const Options& o, long fanout) {
  std::string stamp = o.tree + "/.complete";
  std::string shape = std::to_string(o.files) + " " + std::to_string(o.dirs) + " " +
                      std::to_string(o.ignored_files) + "\n";
  {
    std::ifstream in(stamp);
    std::string have((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (have == shape) return;
  }
  auto start = Clock::now();
  std::filesystem::remove_all(o.tree);
  for (long d = 0; d < o.dirs; ++d) std::filesystem::create_directories(leafDir(o.tree, d, fanout));
  for (long f = 0; f < o.files; ++f) writeFile(filePath(o.tree, f, o.dirs, fanout), "content\n");
  if (o.ignored_files > 0) {
    long pkgs = std::max(1L, o.ignored_files / 20);
    for (long p = 0; p < pkgs; ++p) {
      std::string dir = o.tree + "/node_modules/pkg" + std::to_string(p) + "/lib";
      std::filesystem::create_directories(dir);
    }
    for (long f = 0; f < o.ignored_files; ++f) {
      writeFile(o.tree + "/node_modules/pkg" + std::to_string(f % pkgs) + "/lib/m" +
                    std::to_string(f) + ".js",
                "x\n");
    }
  }
  writeFile(stamp, shape);
  std::printf("tree_created_s: %.1f\n", duration<double>(Clock::now() - start).count());
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  std::size_t i =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

// The cost of the ignore check that runs on every event: a dozen patterns of the kinds Tiltfiles
// use, plus the built-in ignores, over paths of a realistic depth.
int matcherBench() {
  const std::string p = "/home/dev/src/github.com/acme/platform";
  auto m = slant::watch::IgnoreMatcher::compile(
      {p + "/node_modules", p + "/**/*.pyc", p + "/dist", p + "/build/**", "!" + p + "/build/keep",
       p + "/**/__pycache__", p + "/*.log", p + "/.venv", p + "/target", p + "/**/*.tmp",
       p + "/web/.next", p + "/**/coverage"});
  if (!m) {
    std::fprintf(stderr, "watch_bench: %s\n", m.error().c_str());
    return 1;
  }
  std::vector<std::string> paths;
  for (int i = 0; i < 10'000; ++i) {
    paths.push_back(p + "/services/svc" + std::to_string(i % 50) + "/internal/pkg" +
                    std::to_string(i % 7) + "/handler_" + std::to_string(i) +
                    (i % 10 == 0 ? ".pyc" : ".go"));
  }
  std::size_t ignored = 0;
  auto time = [&](auto&& fn) {
    auto start = Clock::now();
    constexpr int kRounds = 50;
    for (int r = 0; r < kRounds; ++r) {
      for (const auto& path : paths) ignored += fn(path) ? 1 : 0;
    }
    return duration<double, std::nano>(Clock::now() - start).count() / (kRounds * paths.size());
  };
  double match_ns = time([&](const std::string& path) {
    return slant::watch::isBuiltinIgnored(path, p.size()) || m->matches(path);
  });
  double dir_ns = time([&](const std::string& path) { return m->matchesEntireDir(path); });
  std::printf("match_ns: %.0f\nentire_dir_ns: %.0f\nignored: %zu\n", match_ns, dir_ns, ignored);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  if (o.matcher_only) return matcherBench();
  long fanout = std::max(1L, static_cast<long>(std::ceil(std::sqrt(static_cast<double>(o.dirs)))));
  makeTree(o, fanout);
  std::printf("files: %ld\ndirs: %ld\nignored_files: %ld\n", o.files, o.dirs, o.ignored_files);

  AsioLoop loop;
  auto created = InotifyWatcher::create(loop);
  if (!created) {
    std::fprintf(stderr, "watch_bench: %s\n", created.error().c_str());
    return 1;
  }
  InotifyWatcher& watcher = **created;
  watcher.setErrorHandler([](slant::engine::WatchId, std::string message) {
    std::fprintf(stderr, "watch_bench: watch error: %s\n", message.c_str());
  });
  auto run = [&](auto&& done) {
    while (!done()) {
      if (loop.io().stopped()) loop.io().restart();
      loop.io().run_one_for(milliseconds(50));
    }
  };

  // Setup, with the first window (the watch is re-created for each window below).
  std::vector<std::string> ignore = {o.tree + "/node_modules"};
  std::mt19937 rng(42);
  bool first = true;
  for (std::size_t wi = 0; wi < o.debounce_ms.size(); ++wi) {
    long window_ms = o.debounce_ms[wi];
    milliseconds window(window_ms);
    std::string wanted;
    Clock::time_point written;
    std::vector<double> latencies;
    std::vector<double> write_ms;  // how long the write itself took (open, write, close)
    bool got = false;
    long rss_before = rssKb();
    double cpu_before = cpuSeconds();
    auto start = Clock::now();
    auto id = watcher.watch(
        slant::engine::WatchSpec{{o.tree}, ignore}, window, [&](std::vector<std::string> batch) {
          if (!wanted.empty() && std::binary_search(batch.begin(), batch.end(), wanted)) {
            latencies.push_back(duration<double, std::milli>(Clock::now() - written).count());
            got = true;
          }
        });
    bool settled = false;
    watcher.whenSettled([&] { settled = true; });
    run([&] { return settled; });
    if (first) {
      double setup_ms = duration<double, std::milli>(Clock::now() - start).count();
      std::printf("setup_ms: %.1f\nsetup_cpu_ms: %.1f\nwatched_dirs: %zu\nsetup_rss_kb: %ld\n",
                  setup_ms, (cpuSeconds() - cpu_before) * 1000, watcher.watchedDirectories(),
                  rssKb() - rss_before);
      first = false;
    }

    for (int k = 0; k < o.iterations; ++k) {
      // A pause longer than the window, so that each write is its own batch.
      auto pause_until = Clock::now() + window + milliseconds(20 + rng() % 30);
      run([&] { return Clock::now() >= pause_until; });
      wanted = filePath(o.tree, static_cast<long>(rng() % static_cast<unsigned long>(o.files)),
                        o.dirs, fanout);
      got = false;
      // The clock starts when the write has completed: a write that waits for a busy disk is
      // not the watcher's latency (its own time is reported apart).
      auto before = Clock::now();
      writeFile(wanted, "edit " + std::to_string(k) + "\n");
      written = Clock::now();
      write_ms.push_back(duration<double, std::milli>(written - before).count());
      auto deadline = Clock::now() + window + seconds(5);
      run([&] { return got || Clock::now() > deadline; });
      if (!got) std::fprintf(stderr, "watch_bench: no batch for %s\n", wanted.c_str());
    }
    double p50 = percentile(latencies, 50);
    std::printf(
        "debounce_ms: %ld\nlatency_p50_ms: %.1f\nlatency_p95_ms: %.1f\nlatency_max_ms: %.1f\n"
        "latency_p50_over_window_ms: %.1f\nsamples: %zu\nwrite_syscalls_p95_ms: %.1f\n",
        window_ms, p50, percentile(latencies, 95), percentile(latencies, 100),
        p50 - static_cast<double>(window_ms), latencies.size(), percentile(write_ms, 95));
    std::fflush(stdout);
    if (wi + 1 == o.debounce_ms.size() && o.idle_seconds > 0) {
      // One timer and nothing else: the loop sleeps in epoll until it fires, as slant's does.
      double cpu0 = cpuSeconds();
      loop.runAfter(seconds(o.idle_seconds), [&] { loop.stop(); });
      if (loop.io().stopped()) loop.io().restart();
      loop.run();
      loop.io().restart();
      double cpu = cpuSeconds() - cpu0;
      std::printf("idle_seconds: %d\nidle_cpu_ms: %.1f\nidle_cpu_percent: %.4f\nrss_kb: %ld\n",
                  o.idle_seconds, cpu * 1000, 100 * cpu / o.idle_seconds, rssKb());
    }
    watcher.unwatch(id);
  }
  return 0;
}
