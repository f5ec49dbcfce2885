#ifndef CINOTIFYTOOLS_SHIM_H
#define CINOTIFYTOOLS_SHIM_H

// Why this shim exists: Swift's C importer cannot see two things we need.
//  * `struct inotify_event.name` is a flexible array member, so Swift imports the
//    struct without it; `cinotify_event_name` hands out a pointer to it.
//  * The IN_* macros import as a mix of Int32 and UInt32 (and those built from
//    other macros not at all); re-exporting every flag we use as a `uint32_t`
//    constant keeps the Swift side free of casts.
// The event accessors also keep the struct layout out of the Swift code.

#include <stdint.h>
#include <sys/inotify.h>
#include <inotifytools/inotifytools.h>

static inline int cinotify_event_wd(const struct inotify_event *event) {
    return event->wd;
}

static inline uint32_t cinotify_event_mask(const struct inotify_event *event) {
    return event->mask;
}

static inline uint32_t cinotify_event_cookie(const struct inotify_event *event) {
    return event->cookie;
}

/// The NUL-terminated file name inside the watched directory; "" when the event
/// is about the watched directory itself (len == 0). Only valid until the next
/// call to inotifytools_next_event: copy it at once.
static inline const char *cinotify_event_name(const struct inotify_event *event) {
    return event->len > 0 ? event->name : "";
}

// The events the watcher asks for.
static const uint32_t CINOTIFY_CLOSE_WRITE = IN_CLOSE_WRITE;
static const uint32_t CINOTIFY_MOVED_FROM = IN_MOVED_FROM;
static const uint32_t CINOTIFY_MOVED_TO = IN_MOVED_TO;
static const uint32_t CINOTIFY_CREATE = IN_CREATE;
static const uint32_t CINOTIFY_DELETE_SELF = IN_DELETE_SELF;
static const uint32_t CINOTIFY_MOVE_SELF = IN_MOVE_SELF;

// Delivered without being asked for.
static const uint32_t CINOTIFY_UNMOUNT = IN_UNMOUNT;
static const uint32_t CINOTIFY_Q_OVERFLOW = IN_Q_OVERFLOW;
static const uint32_t CINOTIFY_IGNORED = IN_IGNORED;
static const uint32_t CINOTIFY_ISDIR = IN_ISDIR;

// Flags for adding a watch.
static const uint32_t CINOTIFY_ONLYDIR = IN_ONLYDIR;
static const uint32_t CINOTIFY_DONT_FOLLOW = IN_DONT_FOLLOW;

#endif
