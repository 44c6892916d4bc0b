// Recursive watching with inotify.
//
// inotify watches single directories, not trees, so a recursive watch is one inotify watch per
// directory, and the watcher must keep the set current as the tree changes:
//
// - Walking. A watched root is walked once; each directory gets inotify_add_watch *before* it is
//   read, so a file created while we read it shows up either in the listing or as an event. The
//   walk never enters a directory the watch ignores entirely (IgnoreMatcher::matchesEntireDir,
//   .git/), which is why an ignored node_modules/ of 200,000 files costs nothing. The walk runs in
//   slices of a few milliseconds on the loop, so a big tree never stalls the engine.
// - Growing. When a directory appears (created, or moved in), it is walked the same way, and
//   every path found in it is reported: files written between the event and our add_watch would
//   otherwise never be seen (`mkdir -p a/b && echo > a/b/c`, `cp -r`, `git checkout`).
// - Shrinking. When a directory is deleted or moved away, the watches of its whole subtree are
//   dropped (a moved directory keeps its inotify watch, so its events would come back under a
//   stale path).
// - Paths that do not exist yet. A root that is missing is replaced by a "targeted" watch on its
//   nearest existing ancestor, which only reacts to the next component of the path; as the path
//   is created, the targeted watch moves down, and once the root exists it is walked (and what
//   is in it reported). A root that is a file is a targeted watch on its directory that reacts
//   to that one name. A watched root that disappears falls back the same way.
//
// All watches share one inotify descriptor. Since inotify_add_watch returns the same descriptor
// for the same directory, the table is keyed by watch descriptor, and each entry lists the
// "views" of that directory (usually one path; two when a root reaches it through a symlink) and,
// per view, which watches see it recursively and which are only waiting for a missing root.
//
// Overflow. When the kernel's queue (fs.inotify.max_queued_events) overflows, events are lost:
// we cannot know what changed, nor which new directories we missed. Every watch then reports each
// of its roots as changed (the representation of "anything under here may have changed"), tells
// its error handler, and re-walks its roots to pick up missed directories.
//
// Limits. Each directory costs one of fs.inotify.max_user_watches; ENOSPC from
// inotify_add_watch means the limit is reached, and the error handler hears which sysctl to
// raise. The watch keeps going with the directories it has.
#include "watch/inotify_watcher.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <unordered_map>
#include <utility>

#include "watch/ignore.h"

namespace slant::watch {

using engine::WatchId;

namespace {

constexpr std::uint32_t kDirMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB |
                                   IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                   IN_ONLYDIR | IN_EXCL_UNLINK;

constexpr std::size_t kReadBuffer = 64 * 1024;
// How many buffers one turn of the loop reads before letting other work run.
constexpr int kReadsPerTurn = 16;

std::string joinPath(std::string_view dir, std::string_view name) {
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out += dir;
  if (out != "/") out += '/';
  out += name;
  return out;
}

std::string parentPath(std::string_view path) {
  std::size_t slash = path.rfind('/');
  if (slash == 0 || slash == std::string_view::npos) return "/";
  return std::string(path.substr(0, slash));
}

// Whether `path` is strictly under `dir`.
bool isUnder(std::string_view dir, std::string_view path) {
  if (path.size() <= dir.size() || !path.starts_with(dir)) return false;
  return dir == "/" || path[dir.size()] == '/';
}

bool isDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string currentDir() {
  char buf[4096];
  if (::getcwd(buf, sizeof buf) == nullptr) return "/";
  return buf;
}

}  // namespace

long inotifyLimit(std::string_view name) {
  std::ifstream in("/proc/sys/fs/inotify/" + std::string(name));
  long value = -1;
  if (!(in >> value)) return -1;
  return value;
}

// ---------------------------------------------------------------------------------------------

class InotifyWatcher::Impl {
 public:
  Impl(engine::AsioLoop& loop, int fd, InotifyOptions options)
      : loop_(loop), options_(options), stream_(loop.io(), fd), buffer_(new char[kReadBuffer]) {}

  ~Impl() {
    boost::system::error_code ec;
    stream_.cancel(ec);
    stream_.close(ec);  // closes the inotify descriptor, which drops every kernel watch
  }

  void start() { arm(); }

  WatchId watch(const engine::WatchSpec& spec, engine::Duration debounce,
                std::function<void(std::vector<std::string>)> on_batch);
  void unwatch(WatchId id);
  void setErrorHandler(std::function<void(WatchId, std::string)> fn) { on_error_ = std::move(fn); }
  void setChangeObserver(std::function<void(WatchId, std::string_view)> fn) {
    observer_ = std::move(fn);
  }
  void whenSettled(std::function<void()> fn);
  std::size_t watchedDirectories() const {
    return static_cast<std::size_t>(std::count_if(
        dirs_.begin(), dirs_.end(), [](const auto& d) { return !d.second.views.empty(); }));
  }

 private:
  // A watch's interest in a directory view: which watch, and through which of its roots.
  struct Interest {
    WatchId watch;
    std::uint32_t root;
    bool operator==(const Interest&) const = default;
  };
  // One path through which a watched directory is seen.
  struct View {
    const std::string* path;          ///< the key of its wd_by_path_ entry (map nodes do not move)
    std::vector<Interest> recursive;  ///< watches reporting everything under it
    std::vector<Interest> targeted;   ///< watches waiting for a root below (or a file root in) it
  };
  struct Dir {
    std::vector<View> views;
  };
  struct Watch {
    WatchId id = 0;
    std::vector<std::string> roots;  ///< absolute, clean, none under another
    IgnoreMatcher ignore;
    std::unique_ptr<Debouncer> debouncer;
    bool limit_reported = false;
    bool access_reported = false;
  };
  struct ScanTask {
    WatchId watch;
    std::uint32_t root;
    std::string path;
    bool report;  ///< report every path found (the directory is new)
    bool force;   ///< re-read directories already walked (after an overflow)
  };

  void arm();
  void onReadable();
  void handleEvent(int wd, std::uint32_t mask, std::string_view name);
  void onOverflow();

  void resolveRoot(Watch& w, std::uint32_t r, bool report, bool force);
  bool addTargeted(Watch& w, std::uint32_t r, const std::string& dir);
  void scanDir(const ScanTask& task);
  void scheduleScans();
  void runScans();
  void settle();
  // Drops the watches of `path` and everything under it, then re-resolves the roots that lost
  // their watches.
  void dropSubtree(const std::string& path);
  // Schedules the kernel watch of a directory that no watch sees any more for removal. Removal
  // is lazy and sliced: each inotify_rm_watch queues an IN_IGNORED event, and removing 20,000 at
  // once would overflow the kernel's queue; and a directory watched again before then (a watch
  // replaced by an equal one when the Tiltfile reloads) keeps its watch.
  void retire(int wd);
  void runRetire();

  // Returns the watch descriptor, or -errno (after telling the error handler what it must hear).
  int addWatch(Watch& w, const std::string& path, bool follow);
  View& viewFor(int wd, const std::string& path);
  void change(Watch& w, std::string path);
  bool ignored(const Watch& w, std::uint32_t r, std::string_view path) const {
    return isBuiltinIgnored(path, w.roots[r].size()) || w.ignore.matches(path);
  }
  bool skipDir(const Watch& w, std::uint32_t r, std::string_view path) const {
    return isBuiltinIgnoredDir(path, w.roots[r].size()) || w.ignore.matchesEntireDir(path);
  }
  Watch* find(WatchId id) {
    auto it = watches_.find(id);
    return it == watches_.end() ? nullptr : it->second.get();
  }
  void reportError(WatchId id, std::string message);

  engine::AsioLoop& loop_;
  InotifyOptions options_;
  boost::asio::posix::stream_descriptor stream_;
  std::unique_ptr<char[]> buffer_;
  std::unordered_map<int, Dir> dirs_;
  std::map<std::string, int, std::less<>> wd_by_path_;
  std::unordered_map<WatchId, std::unique_ptr<Watch>> watches_;
  WatchId next_id_ = 1;
  std::vector<ScanTask> scans_;  // a stack: the walk is depth first
  bool scan_posted_ = false;
  std::vector<std::function<void()>> settled_;
  std::vector<int> retired_;
  bool retire_posted_ = false;
  std::function<void(WatchId, std::string)> on_error_;
  std::function<void(WatchId, std::string_view)> observer_;
  // Posted callbacks may outlive the watcher; they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// ---------------------------------------------------------------------------------------------
// Watches

WatchId InotifyWatcher::Impl::watch(const engine::WatchSpec& spec, engine::Duration debounce,
                                    std::function<void(std::vector<std::string>)> on_batch) {
  auto w = std::make_unique<Watch>();
  w->id = next_id_++;

  // Absolute, clean roots, dropping those under another root (the walk covers them).
  std::string cwd;
  std::vector<std::string> roots;
  for (const auto& p : spec.paths) {
    if (p.empty()) continue;
    if (p.front() != '/' && cwd.empty()) cwd = currentDir();
    roots.push_back(absolutePath(cwd, p));
  }
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  for (const auto& r : roots) {
    if (r == "/") {
      reportError(w->id, "cannot watch the root directory /: watch a project directory instead");
      continue;
    }
    bool covered = std::any_of(roots.begin(), roots.end(),
                               [&](const std::string& other) { return isUnder(other, r); });
    if (!covered) w->roots.push_back(r);
  }

  std::vector<std::string> errors;
  w->ignore = IgnoreMatcher::compileBestEffort(spec.ignore, errors);
  for (auto& e : errors) reportError(w->id, e + " (skipped)");

  w->debouncer =
      std::make_unique<Debouncer>(loop_, debounce, options_.max_batch_open, std::move(on_batch));
  Watch& ref = *w;
  watches_.emplace(w->id, std::move(w));
  for (std::uint32_t r = 0; r < ref.roots.size(); ++r) resolveRoot(ref, r, false, false);
  scheduleScans();
  return ref.id;
}

void InotifyWatcher::Impl::unwatch(WatchId id) {
  if (!watches_.erase(id)) return;
  // Pending scans of this watch are skipped when they come up.
  for (auto it = dirs_.begin(); it != dirs_.end(); ++it) {
    auto& views = it->second.views;
    bool had_views = !views.empty();
    for (auto v = views.begin(); v != views.end();) {
      std::erase_if(v->recursive, [&](const Interest& i) { return i.watch == id; });
      std::erase_if(v->targeted, [&](const Interest& i) { return i.watch == id; });
      if (v->recursive.empty() && v->targeted.empty()) {
        const std::string* path = v->path;
        v = views.erase(v);
        wd_by_path_.erase(*path);
      } else {
        ++v;
      }
    }
    if (had_views && views.empty()) retire(it->first);
  }
}

void InotifyWatcher::Impl::retire(int wd) {
  retired_.push_back(wd);
  if (retire_posted_) return;
  retire_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive] {
    if (alive.lock()) runRetire();
  });
}

void InotifyWatcher::Impl::runRetire() {
  retire_posted_ = false;
  // Few enough per turn that the IN_IGNORED events they queue are read before the next slice.
  constexpr int kPerTurn = 512;
  for (int n = 0; n < kPerTurn && !retired_.empty(); ++n) {
    int wd = retired_.back();
    retired_.pop_back();
    auto d = dirs_.find(wd);
    if (d == dirs_.end() || !d->second.views.empty()) continue;  // gone, or watched again
    ::inotify_rm_watch(stream_.native_handle(), wd);
    dirs_.erase(d);
  }
  if (!retired_.empty()) {
    retire_posted_ = true;
    std::weak_ptr<bool> alive = alive_;
    loop_.post([this, alive] {
      if (alive.lock()) runRetire();
    });
  }
}

void InotifyWatcher::Impl::whenSettled(std::function<void()> fn) {
  settled_.push_back(std::move(fn));
  if (scans_.empty() && !scan_posted_) settle();
}

void InotifyWatcher::Impl::settle() {
  if (settled_.empty()) return;
  std::weak_ptr<bool> alive = alive_;
  for (auto& fn : std::exchange(settled_, {})) {
    loop_.post([alive, fn = std::move(fn)] {
      if (alive.lock()) fn();
    });
  }
}

void InotifyWatcher::Impl::reportError(WatchId id, std::string message) {
  // Posted, so that the handler never runs inside watch() or in the middle of an event.
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive, id, message = std::move(message)]() mutable {
    if (!alive.lock() || !on_error_ || !watches_.contains(id)) return;
    on_error_(id, std::move(message));
  });
}

void InotifyWatcher::Impl::change(Watch& w, std::string path) {
  if (observer_) observer_(w.id, path);
  w.debouncer->add(std::move(path));
}

// ---------------------------------------------------------------------------------------------
// The directory table

int InotifyWatcher::Impl::addWatch(Watch& w, const std::string& path, bool follow) {
  std::uint32_t mask = kDirMask | (follow ? 0 : IN_DONT_FOLLOW);
  int wd = ::inotify_add_watch(stream_.native_handle(), path.c_str(), mask);
  if (wd >= 0) return wd;
  int err = errno;
  if (err == ENOSPC) {
    if (!w.limit_reported) {
      w.limit_reported = true;
      long limit = inotifyLimit("max_user_watches");
      reportError(w.id, "cannot watch " + path +
                            ": the inotify watch limit is reached (fs.inotify.max_user_watches = " +
                            std::to_string(limit) +
                            ", one per directory, shared by every program of this user); raise "
                            "it with `sudo sysctl fs.inotify.max_user_watches=524288` (and in "
                            "/etc/sysctl.conf to keep it), or ignore big directories in "
                            ".tiltignore; changes in directories not watched are missed");
    }
  } else if (err == EACCES || err == EPERM) {
    if (!w.access_reported) {
      w.access_reported = true;
      reportError(w.id,
                  "cannot watch " + path + ": permission denied; changes under it are missed");
    }
  } else if (err != ENOENT && err != ENOTDIR && err != ELOOP) {
    reportError(w.id, "cannot watch " + path + ": " + std::strerror(err));
  }
  return -err;
}

InotifyWatcher::Impl::View& InotifyWatcher::Impl::viewFor(int wd, const std::string& path) {
  auto known = wd_by_path_.find(path);
  if (known != wd_by_path_.end() && known->second != wd) {
    // The path now names another directory (the old one went away and we have not heard yet).
    dropSubtree(path);
  }
  Dir& dir = dirs_[wd];
  for (auto& v : dir.views) {
    if (*v.path == path) return v;
  }
  auto entry = wd_by_path_.insert_or_assign(path, wd).first;
  dir.views.push_back(View{&entry->first, {}, {}});
  return dir.views.back();
}

bool InotifyWatcher::Impl::addTargeted(Watch& w, std::uint32_t r, const std::string& dir) {
  int wd = addWatch(w, dir, true);
  if (wd < 0) return false;
  View& v = viewFor(wd, dir);
  Interest interest{w.id, r};
  if (std::find(v.targeted.begin(), v.targeted.end(), interest) == v.targeted.end()) {
    v.targeted.push_back(interest);
  }
  return true;
}

void InotifyWatcher::Impl::resolveRoot(Watch& w, std::uint32_t r, bool report, bool force) {
  const std::string root = w.roots[r];
  // Each round either finds the root or watches an existing ancestor and checks again, so that a
  // component created between the stat and the add_watch is not missed. The depth bounds it.
  std::string last_ancestor;
  for (int round = 0; round < 64; ++round) {
    struct stat st;
    if (::stat(root.c_str(), &st) == 0) {
      if (report && !ignored(w, r, root)) change(w, root);
      if (S_ISDIR(st.st_mode)) {
        scans_.push_back(ScanTask{w.id, r, root, report, force});
      } else {
        addTargeted(w, r, parentPath(root));
      }
      return;
    }
    std::string ancestor = parentPath(root);
    while (ancestor != "/" && !isDirectory(ancestor)) ancestor = parentPath(ancestor);
    if (ancestor == last_ancestor) return;  // nothing changed since the last round: settled
    if (!addTargeted(w, r, ancestor)) return;
    last_ancestor = ancestor;
  }
}

void InotifyWatcher::Impl::dropSubtree(const std::string& path) {
  std::vector<std::pair<std::string, int>> doomed;
  if (auto it = wd_by_path_.find(path); it != wd_by_path_.end()) doomed.emplace_back(*it);
  std::string prefix = path == "/" ? path : path + "/";
  for (auto it = wd_by_path_.lower_bound(prefix);
       it != wd_by_path_.end() && it->first.starts_with(prefix); ++it) {
    doomed.emplace_back(*it);
  }
  if (doomed.empty()) return;

  struct Lost {
    Interest interest;
    bool root_gone;  ///< a recursive root itself went away: report it
  };
  std::vector<Lost> lost;
  for (const auto& [p, wd] : doomed) {
    auto d = dirs_.find(wd);
    if (d != dirs_.end()) {
      auto& views = d->second.views;
      auto v =
          std::find_if(views.begin(), views.end(), [&](const View& x) { return *x.path == p; });
      if (v != views.end()) {
        for (const auto& i : v->recursive) {
          Watch* w = find(i.watch);
          if (w && w->roots[i.root] == p) lost.push_back(Lost{i, true});
        }
        for (const auto& i : v->targeted) lost.push_back(Lost{i, false});
        views.erase(v);
      }
      // A deleted directory's watch is gone already; a moved one's still follows it.
      if (views.empty()) retire(wd);
    }
    wd_by_path_.erase(p);
  }
  std::vector<Interest> done;
  for (const auto& l : lost) {
    if (std::find(done.begin(), done.end(), l.interest) != done.end()) continue;
    done.push_back(l.interest);
    Watch* w = find(l.interest.watch);
    if (!w) continue;
    const std::string& root = w->roots[l.interest.root];
    if (l.root_gone && !ignored(*w, l.interest.root, root)) change(*w, root);
    resolveRoot(*w, l.interest.root, true, false);
  }
  scheduleScans();
}

// ---------------------------------------------------------------------------------------------
// Walking

void InotifyWatcher::Impl::scheduleScans() {
  if (scans_.empty() || scan_posted_) return;
  scan_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive] {
    if (alive.lock()) runScans();
  });
}

void InotifyWatcher::Impl::runScans() {
  scan_posted_ = false;
  engine::TimePoint deadline = engine::Clock::now() + options_.scan_slice;
  int done = 0;
  while (!scans_.empty()) {
    ScanTask task = std::move(scans_.back());
    scans_.pop_back();
    scanDir(task);
    if (++done % 16 == 0 && engine::Clock::now() >= deadline) break;
  }
  if (!scans_.empty()) {
    scheduleScans();
  } else {
    settle();
  }
}

void InotifyWatcher::Impl::scanDir(const ScanTask& task) {
  Watch* w = find(task.watch);
  if (!w) return;
  const std::string& root = w->roots[task.root];
  bool is_root = task.path == root;
  int wd = addWatch(*w, task.path, is_root);
  if (wd < 0) {
    // A root that went away between its stat and now: fall back to waiting for it.
    if (is_root && (wd == -ENOENT || wd == -ENOTDIR)) {
      resolveRoot(*w, task.root, task.report, task.force);
    }
    return;
  }
  {
    View& v = viewFor(wd, task.path);
    Interest interest{w->id, task.root};
    bool known = std::find(v.recursive.begin(), v.recursive.end(), interest) != v.recursive.end();
    // Already walked for this watch, and nothing new to report: its events are flowing.
    if (known && !task.report && !task.force) return;
    if (!known) v.recursive.push_back(interest);
  }

  int fd =
      ::open(task.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (is_root ? 0 : O_NOFOLLOW));
  if (fd < 0) {
    if ((errno == EACCES || errno == EPERM) && !w->access_reported) {
      w->access_reported = true;
      reportError(w->id,
                  "cannot read " + task.path + ": permission denied; changes under it are missed");
    }
    return;
  }
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return;
  }
  while (dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string child = joinPath(task.path, name);
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st;
      is_dir = ::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    if (is_dir && !skipDir(*w, task.root, child)) {
      scans_.push_back(ScanTask{task.watch, task.root, child, task.report, task.force});
    }
    if (task.report && !ignored(*w, task.root, child)) change(*w, std::move(child));
  }
  ::closedir(dir);
}

// ---------------------------------------------------------------------------------------------
// Events

void InotifyWatcher::Impl::arm() {
  std::weak_ptr<bool> alive = alive_;
  stream_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this, alive](const boost::system::error_code& ec) {
                       if (ec || !alive.lock()) return;
                       onReadable();
                     });
}

void InotifyWatcher::Impl::onReadable() {
  int fd = stream_.native_handle();
  for (int round = 0; round < kReadsPerTurn; ++round) {
    ssize_t n = ::read(fd, buffer_.get(), kReadBuffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: drained
    }
    if (n == 0) break;
    const char* p = buffer_.get();
    const char* end = p + n;
    while (p < end) {
      inotify_event ev;
      std::memcpy(&ev, p, sizeof ev);
      std::string_view name;
      if (ev.len) name = std::string_view(p + sizeof ev, ::strnlen(p + sizeof ev, ev.len));
      handleEvent(ev.wd, ev.mask, name);
      p += sizeof ev + ev.len;
    }
  }
  scheduleScans();
  arm();
}

void InotifyWatcher::Impl::handleEvent(int wd, std::uint32_t mask, std::string_view name) {
  if (mask & IN_Q_OVERFLOW) {
    onOverflow();
    return;
  }
  auto it = dirs_.find(wd);
  if (it == dirs_.end()) return;  // a directory we dropped; its last events are still queued
  if (mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
    // The directory itself went away (or moved, and its watch would now follow it elsewhere).
    std::vector<std::string> paths;
    for (const auto& v : it->second.views) paths.push_back(*v.path);
    for (const auto& p : paths) dropSubtree(p);
    if (mask & IN_IGNORED) {
      // The kernel has removed the watch: forget it now, so that the number cannot be confused
      // with a later one.
      auto again = dirs_.find(wd);
      if (again != dirs_.end() && again->second.views.empty()) dirs_.erase(again);
    }
    return;
  }
  if (name.empty()) return;  // an attribute change of the watched directory itself

  const bool is_dir = mask & IN_ISDIR;
  const bool appeared = mask & (IN_CREATE | IN_MOVED_TO);
  const bool vanished = mask & (IN_DELETE | IN_MOVED_FROM);
  // A directory's timestamps change whenever an entry does: not a change of its own.
  const bool dir_attr_only = is_dir && !appeared && !vanished;

  // Structural follow-ups change the table, so they wait until we are done reading it.
  std::vector<std::string> drops;
  std::vector<Interest> resolves;
  for (const View& v : it->second.views) {
    std::string path = joinPath(*v.path, name);
    for (const Interest& i : v.recursive) {
      Watch* w = find(i.watch);
      if (!w) continue;
      if (!dir_attr_only && !ignored(*w, i.root, path)) change(*w, path);
      if (is_dir && appeared && !skipDir(*w, i.root, path)) {
        scans_.push_back(ScanTask{i.watch, i.root, path, true, false});
      }
    }
    for (const Interest& i : v.targeted) {
      Watch* w = find(i.watch);
      if (!w) continue;
      const std::string& root = w->roots[i.root];
      if (path == root) {
        if (!dir_attr_only && !ignored(*w, i.root, path)) change(*w, path);
        if (is_dir && appeared) resolves.push_back(i);
      } else if (is_dir && appeared && isUnder(path, root)) {
        resolves.push_back(i);
      }
    }
    if (is_dir && vanished) drops.push_back(path);
  }
  for (const auto& p : drops) dropSubtree(p);
  for (const auto& i : resolves) {
    if (Watch* w = find(i.watch)) resolveRoot(*w, i.root, true, false);
  }
}

void InotifyWatcher::Impl::onOverflow() {
  long limit = inotifyLimit("max_queued_events");
  for (auto& [id, w] : watches_) {
    for (std::uint32_t r = 0; r < w->roots.size(); ++r) {
      change(*w, w->roots[r]);
      resolveRoot(*w, r, false, true);
    }
    reportError(id,
                "file events were lost: the inotify event queue overflowed "
                "(fs.inotify.max_queued_events = " +
                    std::to_string(limit) +
                    "), so every watched path is treated as changed; to make this rarer, raise it "
                    "with `sudo sysctl fs.inotify.max_queued_events=65536`");
  }
}

// ---------------------------------------------------------------------------------------------

std::expected<std::unique_ptr<InotifyWatcher>, std::string> InotifyWatcher::create(
    engine::AsioLoop& loop, InotifyOptions options) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == EMFILE) {
      return std::unexpected(
          "cannot start watching files: too many inotify instances (fs.inotify.max_user_instances "
          "= " +
          std::to_string(inotifyLimit("max_user_instances")) +
          ") or open files; raise it with `sudo sysctl fs.inotify.max_user_instances=1024`, or "
          "the open-file limit with `ulimit -n`");
    }
    return std::unexpected(std::string("cannot start watching files: inotify_init1: ") +
                           std::strerror(err));
  }
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(loop, fd, options);
  } catch (const std::exception& e) {
    ::close(fd);
    return std::unexpected(std::string("cannot start watching files: ") + e.what());
  }
  impl->start();
  return std::unique_ptr<InotifyWatcher>(new InotifyWatcher(std::move(impl)));
}

InotifyWatcher::InotifyWatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InotifyWatcher::~InotifyWatcher() = default;

engine::WatchId InotifyWatcher::watch(
    const engine::WatchSpec& spec, engine::Duration debounce,
    std::function<void(std::vector<std::string> paths)> on_batch) {
  return impl_->watch(spec, debounce, std::move(on_batch));
}

void InotifyWatcher::unwatch(engine::WatchId id) { impl_->unwatch(id); }

void InotifyWatcher::setErrorHandler(
    std::function<void(engine::WatchId id, std::string message)> on_error) {
  impl_->setErrorHandler(std::move(on_error));
}

void InotifyWatcher::whenSettled(std::function<void()> fn) { impl_->whenSettled(std::move(fn)); }

void InotifyWatcher::setChangeObserver(
    std::function<void(engine::WatchId id, std::string_view path)> fn) {
  impl_->setChangeObserver(std::move(fn));
}

std::size_t InotifyWatcher::watchedDirectories() const { return impl_->watchedDirectories(); }

}  // namespace slant::watch
