/* SPDX-License-Identifier: MIT */
/* Loads, checks and prints the INI configuration; inih splits lines, this file gives them meaning. */
#include <assert.h>
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "fileio.h"

/* A config file is a page or two of text; anything near this size is not one. */
#define CONFIG_FILE_MAX ((size_t) 1024 * 1024)

/* inih reads each line into a fixed 200-byte buffer (Debian's build, INI_MAX_LINE), so a line
 * holds at most 198 characters. Patterns are capped well below that so that config_print() can
 * always write them back as "incident_parent = PATTERN" or "[policy PATTERN]" on one line. */
#define PATTERN_LEN_MAX 180

enum key_type {
        KEY_PATTERNS, /* space separated patterns; the key may repeat and appends */
        KEY_PATH,     /* one literal cgroup path */
        KEY_BOOL,
        KEY_UNSIGNED,
        KEY_ACTION,
        KEY_SCOPE,
};

struct key {
        const char *name;
        enum key_type type;
        size_t offset;       /* of the field in struct config or struct policy */
        size_t size;         /* of that field */
        size_t count_offset; /* KEY_PATTERNS: offset of the n_* counter in struct config */
        unsigned min, max;   /* KEY_UNSIGNED */
};

#define FIELD(s, f) offsetof(struct s, f), sizeof(((struct s *) 0)->f)
#define KEY_LIST(f) { #f, KEY_PATTERNS, FIELD(config, f), offsetof(struct config, n_##f), 0, 0 }
#define KEY_NUM(s, f, lo, hi) { #f, KEY_UNSIGNED, FIELD(s, f), 0, lo, hi }
#define KEY_OF(s, f, t) { #f, t, FIELD(s, f), 0, 0, 0 }

/* [forkstop], in the order config_print() writes them. */
static const struct key forkstop_keys[] = {
        KEY_LIST(watch),
        KEY_LIST(exempt),
        KEY_OF(config, dry_run, KEY_BOOL),
        KEY_OF(config, lineage, KEY_BOOL),
        KEY_NUM(config, sample_interval_msec, 5, 10000),
        KEY_NUM(config, idle_interval_msec, 5, 60000),
        KEY_NUM(config, rescan_interval_msec, 100, 600000),
        KEY_NUM(config, realtime_priority, 0, 99),
        KEY_NUM(config, max_cgroups, 16, 1000000),
        KEY_NUM(config, max_processes, 1024, 4194304),
        KEY_NUM(config, alert_interval_sec, 1, 86400),
        KEY_OF(config, incident_parent, KEY_PATH),
};

#define N_FORKSTOP_KEYS ELEMENTSOF(forkstop_keys)

/* [policy] and [policy PATTERN]. */
static const struct key policy_keys[] = {
        KEY_OF(policy, action, KEY_ACTION),
        KEY_OF(policy, scope, KEY_SCOPE),
        KEY_NUM(policy, grace_sec, 1, 86400),
        KEY_NUM(policy, min_tasks, 4, 1000000),
        KEY_NUM(policy, min_generations, 2, 64),
        KEY_NUM(policy, growth_window_msec, 10, 60000),
        KEY_NUM(policy, runaway_tasks, 16, 1000000),
        KEY_NUM(policy, capped_refusals, 1, 100000000),
        KEY_NUM(policy, capped_window_msec, 100, 600000),
};

#define N_POLICY_KEYS ELEMENTSOF(policy_keys)

enum section_kind {
        SECTION_NONE,     /* before the first header */
        SECTION_FORKSTOP,
        SECTION_POLICY,   /* [policy] or [policy PATTERN] */
        SECTION_INVALID,  /* a header that was already reported; its keys are ignored */
};

struct parser {
        struct config config;
        const char *next; /* the reader's position in the text */
        unsigned line;    /* line the reader handed to inih last, so the handler's line */
        bool in_value;    /* inih takes an indented line as a continuation of the last value */

        enum section_kind section;
        char section_name[CONFIG_PATTERN_MAX + 16]; /* for messages: "policy /user.slice" */
        struct policy *policy;                      /* SECTION_POLICY */
        unsigned *policy_lines;                     /* SECTION_POLICY */

        /* The line each key was first set on, 0 when unset. */
        unsigned forkstop_lines[N_FORKSTOP_KEYS];
        unsigned default_lines[N_POLICY_KEYS];
        unsigned policy_lines_of[CONFIG_MAX_POLICIES][N_POLICY_KEYS];
        unsigned policy_header_line[CONFIG_MAX_POLICIES];

        unsigned error_line; /* 0 while there is no error */
        char error[512];
};

static const char *const action_names[] = {
        [ACTION_LOG] = "log",
        [ACTION_FREEZE] = "freeze",
        [ACTION_KILL] = "kill",
        [ACTION_FREEZE_KILL] = "freeze-kill",
};

static const char *const scope_names[] = {
        [SCOPE_AUTO] = "auto",
        [SCOPE_CGROUP] = "cgroup",
        [SCOPE_LINEAGE] = "lineage",
};

const char *action_to_string(enum action a) {
        return (size_t) a < ELEMENTSOF(action_names) ? action_names[a] : NULL;
}

int action_from_string(const char *s, enum action *ret) {
        for (size_t i = 0; i < ELEMENTSOF(action_names); i++)
                if (s && strcmp(s, action_names[i]) == 0) {
                        *ret = (enum action) i;
                        return 0;
                }

        return -EINVAL;
}

const char *scope_to_string(enum scope s) {
        return (size_t) s < ELEMENTSOF(scope_names) ? scope_names[s] : NULL;
}

int scope_from_string(const char *s, enum scope *ret) {
        for (size_t i = 0; i < ELEMENTSOF(scope_names); i++)
                if (s && strcmp(s, scope_names[i]) == 0) {
                        *ret = (enum scope) i;
                        return 0;
                }

        return -EINVAL;
}

static void policy_init_defaults(struct policy *p) {
        *p = (struct policy) {
                .action = ACTION_FREEZE_KILL,
                .scope = SCOPE_AUTO,
                .grace_sec = 30,
                .min_tasks = 16,
                .min_generations = 4,
                .growth_window_msec = 1000,
                .runaway_tasks = 1024,
                .capped_refusals = 50,
                .capped_window_msec = 2000,
        };
}

void config_init_defaults(struct config *ret) {
        assert(ret);

        memset(ret, 0, sizeof(*ret));
        strcpy(ret->watch[0], "/");
        ret->n_watch = 1;
        ret->dry_run = false;
        ret->lineage = true;
        ret->sample_interval_msec = 20;
        ret->idle_interval_msec = 250;
        ret->rescan_interval_msec = 2000;
        ret->realtime_priority = 10;
        ret->max_cgroups = 4096;
        ret->max_processes = 65536;
        ret->alert_interval_sec = 60;
        strcpy(ret->incident_parent, "/forkstop.incidents");
        policy_init_defaults(&ret->defaults);
}

/* Records the first error, at the given line; later ones are dropped. Returns 0, which is what
 * an inih handler returns on failure. */
_printf_(3, 4)
static int parser_fail_at(struct parser *p, unsigned line, const char *fmt, ...) {
        va_list ap;

        if (p->error_line > 0)
                return 0;

        va_start(ap, fmt);
        (void) vsnprintf(p->error, sizeof(p->error), fmt, ap);
        va_end(ap);
        p->error_line = line;
        return 0;
}

#define parser_fail(p, ...) parser_fail_at((p), (p)->line, __VA_ARGS__)

/* Parses a decimal number without sign or junk. Returns 0, -EINVAL (not a number) or -ERANGE. */
static int parse_unsigned(const char *s, unsigned min, unsigned max, unsigned *ret) {
        uint64_t v = 0;

        if (!*s)
                return -EINVAL;

        for (const char *c = s; *c; c++) {
                if (*c < '0' || *c > '9')
                        return -EINVAL;
                if (v <= UINT32_MAX)
                        v = v * 10 + (uint64_t) (*c - '0');
        }

        if (v < min || v > max)
                return -ERANGE;

        *ret = (unsigned) v;
        return 0;
}

static int parse_bool(const char *s, bool *ret) {
        static const char *const yes[] = { "yes", "true", "1", "on" };
        static const char *const no[] = { "no", "false", "0", "off" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(s, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }

        return -EINVAL;
}

static bool pattern_is_glob(const char *s) {
        return strpbrk(s, "*?[") != NULL;
}

/* True when every '/'-separated component of s is neither empty nor "." nor "..". */
static bool path_components_ok(const char *s) {
        if (strcmp(s, "/") == 0)
                return true;

        for (const char *c = s; *c == '/'; ) {
                size_t n = strcspn(c + 1, "/");

                if (n == 0 || (n == 1 && c[1] == '.') || (n == 2 && c[1] == '.' && c[2] == '.'))
                        return false;
                c += 1 + n;
        }

        return true;
}

/* Checks one pattern or path; noun and what name it for messages ("pattern", "for 'watch'"). */
static int pattern_check(struct parser *p, const char *s, const char *noun, const char *what) {
        if (*s != '/')
                return parser_fail(p, "%s '%s' %s must start with '/'", noun, s, what);
        if (strlen(s) > PATTERN_LEN_MAX)
                return parser_fail(p, "%s '%.40s...' %s is longer than %d bytes", noun, s, what,
                                   PATTERN_LEN_MAX);
        if (!path_components_ok(s))
                return parser_fail(p, "%s '%s' %s has an empty, '.' or '..' path component",
                                   noun, s, what);
        return 1;
}

/* Appends the space separated patterns in value to the list at k. */
static int key_set_patterns(struct parser *p, const struct key *k, void *base, const char *value) {
        char (*list)[CONFIG_PATTERN_MAX] = (void *) ((char *) base + k->offset);
        size_t *n = (size_t *) ((char *) base + k->count_offset);
        char what[64];

        (void) snprintf(what, sizeof(what), "for '%s'", k->name);

        for (const char *w = value + strspn(value, " \t"); *w; w += strspn(w, " \t")) {
                size_t len = strcspn(w, " \t");
                char pattern[PATTERN_LEN_MAX + 2];

                (void) snprintf(pattern, sizeof(pattern), "%.*s", (int) len, w);
                if (!pattern_check(p, pattern, "pattern", what))
                        return 0;
                if (*n >= CONFIG_MAX_PATTERNS)
                        return parser_fail(p, "too many patterns for '%s' (at most %d)", k->name,
                                           CONFIG_MAX_PATTERNS);

                memcpy(list[(*n)++], pattern, strlen(pattern) + 1);
                w += len;
        }

        return 1;
}

static int key_set_path(struct parser *p, const struct key *k, void *base, const char *value) {
        char *field = (char *) base + k->offset;
        char what[64];

        (void) snprintf(what, sizeof(what), "for '%s'", k->name);

        if (strpbrk(value, " \t") || pattern_is_glob(value))
                return parser_fail(p, "'%s' must be one cgroup path, not a pattern, got '%s'",
                                   k->name, value);
        if (!pattern_check(p, value, "path", what))
                return 0;
        if (strcmp(value, "/") == 0)
                return parser_fail(p, "'%s' must not be the root cgroup '/'", k->name);

        memcpy(field, value, strlen(value) + 1);
        return 1;
}

static int key_set_unsigned(struct parser *p, const struct key *k, void *base, const char *value) {
        int r;

        r = parse_unsigned(value, k->min, k->max, (unsigned *) ((char *) base + k->offset));
        if (r == -EINVAL)
                return parser_fail(p, "invalid number '%s' for '%s'", value, k->name);
        if (r == -ERANGE)
                return parser_fail(p, "'%s' must be between %u and %u, got %s", k->name, k->min,
                                   k->max, value);
        return 1;
}

static int key_set_enum(struct parser *p, const struct key *k, void *field, const char *value) {
        switch (k->type) {
        case KEY_BOOL:
                if (parse_bool(value, field) >= 0)
                        return 1;
                /* true/false, on/off and 1/0 work too; the message names the usual pair. */
                return parser_fail(p, "invalid boolean '%s' for '%s' (expected yes or no)", value,
                                   k->name);
        case KEY_ACTION:
                if (action_from_string(value, field) >= 0)
                        return 1;
                return parser_fail(p,
                        "unknown action '%s' (expected log, freeze, kill or freeze-kill)", value);
        case KEY_SCOPE:
                if (scope_from_string(value, field) >= 0)
                        return 1;
                return parser_fail(p, "unknown scope '%s' (expected auto, cgroup or lineage)", value);
        default:
                return parser_fail(p, "internal error: key '%s' is not an enumeration", k->name);
        }
}

/* Parses value into the field k of base (a struct config or struct policy). Returns 1 or 0. */
static int key_set(struct parser *p, const struct key *k, void *base, const char *value) {
        switch (k->type) {
        case KEY_PATTERNS:
                return key_set_patterns(p, k, base, value);
        case KEY_PATH:
                return key_set_path(p, k, base, value);
        case KEY_UNSIGNED:
                return key_set_unsigned(p, k, base, value);
        default:
                return key_set_enum(p, k, (char *) base + k->offset, value);
        }
}

static void section_enter_policy(struct parser *p, struct policy *policy, unsigned *lines) {
        p->section = SECTION_POLICY;
        p->policy = policy;
        p->policy_lines = lines;
}

/* Opens [policy PATTERN]: a new entry in file order. */
static void section_open_pattern(struct parser *p, const char *pattern) {
        struct config *c = &p->config;
        char what[CONFIG_PATTERN_MAX + 32];

        (void) snprintf(what, sizeof(what), "in section [%s]", p->section_name);

        if (strpbrk(pattern, " \t")) {
                parser_fail(p, "section [%s] has more than one pattern", p->section_name);
                return;
        }
        if (strpbrk(pattern, "[]")) {
                parser_fail(p, "'[' and ']' cannot be used in section [%s]", p->section_name);
                return;
        }
        if (!pattern_check(p, pattern, "pattern", what))
                return;

        for (size_t i = 0; i < c->n_policies; i++)
                if (strcmp(c->policies[i].pattern, pattern) == 0) {
                        parser_fail(p, "duplicate section [%s] (first on line %u)", p->section_name,
                                    p->policy_header_line[i]);
                        return;
                }

        if (c->n_policies >= CONFIG_MAX_POLICIES) {
                parser_fail(p, "too many [policy PATTERN] sections (at most %d)",
                            CONFIG_MAX_POLICIES);
                return;
        }

        memcpy(c->policies[c->n_policies].pattern, pattern, strlen(pattern) + 1);
        p->policy_header_line[c->n_policies] = p->line;
        section_enter_policy(p, &c->policies[c->n_policies], p->policy_lines_of[c->n_policies]);
        c->n_policies++;
}

/* Handles a section header; text is what stands between '[' and ']', len bytes of it. */
static void section_open(struct parser *p, const char *text, size_t len) {
        const char *rest;
        size_t word;

        /* Whitespace around and between the words is not significant: "[ policy  /x ]". */
        while (len > 0 && isspace((unsigned char) *text))
                text++, len--;
        while (len > 0 && isspace((unsigned char) text[len - 1]))
                len--;
        word = strcspn(text, " \t");
        word = MIN(word, len);
        rest = text + word + strspn(text + word, " \t");

        p->section = SECTION_INVALID;
        if (word == 8 && strncmp(text, "forkstop", 8) == 0 && rest >= text + len) {
                (void) snprintf(p->section_name, sizeof(p->section_name), "forkstop");
                p->section = SECTION_FORKSTOP;
        } else if (word == 6 && strncmp(text, "policy", 6) == 0 && rest >= text + len) {
                (void) snprintf(p->section_name, sizeof(p->section_name), "policy");
                section_enter_policy(p, &p->config.defaults, p->default_lines);
        } else if (word == 6 && strncmp(text, "policy", 6) == 0) {
                char pattern[CONFIG_PATTERN_MAX];

                (void) snprintf(pattern, sizeof(pattern), "%.*s", (int) (text + len - rest), rest);
                (void) snprintf(p->section_name, sizeof(p->section_name), "policy %s", pattern);
                section_open_pattern(p, pattern);
        } else
                parser_fail(p, "unknown section [%.*s]", (int) len, text);
}

/* Position of the first of chars, or of an inline comment (';' after whitespace), or of the end:
 * the same rule inih applies, so both see the same sections. */
static const char *find_chars_or_comment(const char *s, const char *chars) {
        bool was_space = false;

        for (; *s && !strchr(chars, *s); s++) {
                if (was_space && *s == ';')
                        break;
                was_space = isspace((unsigned char) *s);
        }

        return s;
}

/* Follows the line structure as inih sees it, to learn about section headers (inih calls the
 * handler only for keys, so an empty [policy PATTERN] would be invisible) and to report lines
 * inih cannot parse with a message of our own. */
static void parser_scan_line(struct parser *p, const char *line) {
        const char *start = line, *end = line + strlen(line), *s;

        while (isspace((unsigned char) *start))
                start++;
        while (end > start && isspace((unsigned char) end[-1]))
                end--;

        if (start == end || *start == ';' || *start == '#')
                return;
        if (p->in_value && start > line)
                return; /* continuation line, inih hands it to the handler with the last key */

        if (*start == '[') {
                s = find_chars_or_comment(start + 1, "]");
                if (*s != ']') {
                        parser_fail(p, "missing ']' in section header '%.*s'", (int) (end - start),
                                    start);
                        p->section = SECTION_INVALID;
                        return;
                }
                section_open(p, start + 1, (size_t) (s - start - 1));
                p->in_value = false;

                s++;
                s += strspn(s, " \t");
                if (s < end && *s != ';' && *s != '#')
                        parser_fail(p, "unexpected text '%.*s' after section header",
                                    (int) (end - s), s);
                return;
        }

        s = find_chars_or_comment(start, "=:");
        if (*s != '=' && *s != ':') {
                parser_fail(p, "expected '[section]' or 'key = value', got '%.*s'",
                            (int) (end - start), start);
                return;
        }

        p->in_value = s > start; /* inih keeps no previous key when the name is empty */
}

/* An ini_reader that hands inih one line at a time from the text, counting lines, so the handler
 * knows the line it is called for: Debian builds inih without INI_HANDLER_LINENO. */
static char *parser_read_line(char *buf, int size, void *userdata) {
        struct parser *p = userdata;
        const char *eol;
        size_t len;

        if (!*p->next || size < 3)
                return NULL;

        eol = strchr(p->next, '\n');
        len = eol ? (size_t) (eol - p->next) + 1 : strlen(p->next);
        p->line++;

        if (len > (size_t) size - 1) {
                /* inih would cut the line and read its tail as another line. */
                parser_fail(p, "line too long (more than %d characters)", size - 2);
                memcpy(buf, "\n", 2);
        } else {
                memcpy(buf, p->next, len);
                buf[len] = '\0';
                parser_scan_line(p, buf);
        }

        p->next += len;
        return buf;
}

static const struct key *key_find(const struct key *keys, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(keys[i].name, name) == 0)
                        return &keys[i];
        return NULL;
}

/* The inih handler: one call per "key = value" line (and per continuation line). */
static int parser_handle_key(void *userdata, const char *section, const char *name,
                             const char *value) {
        struct parser *p = userdata;
        const struct key *keys, *k;
        unsigned *lines;
        void *base;
        size_t n;

        if (!*name)
                return parser_fail(p, "missing key name before '='");
        if (p->section == SECTION_NONE)
                return parser_fail(p, "key '%s' outside any section", name);
        if (p->section == SECTION_INVALID)
                return 1; /* the header was reported */

        if (p->section == SECTION_FORKSTOP) {
                keys = forkstop_keys, n = N_FORKSTOP_KEYS;
                base = &p->config, lines = p->forkstop_lines;
        } else {
                keys = policy_keys, n = N_POLICY_KEYS;
                base = p->policy, lines = p->policy_lines;
        }

        k = key_find(keys, n, name);
        if (!k)
                return parser_fail(p, "unknown key '%s' in section [%s]", name, p->section_name);
        if (!*value)
                return parser_fail(p, "empty value for '%s'", name);
        if (lines[k - keys] > 0 && k->type != KEY_PATTERNS)
                return parser_fail(p, "'%s' is already set on line %u", name, lines[k - keys]);

        /* The first watch line replaces the built-in "/"; later ones append. */
        if (k->type == KEY_PATTERNS && lines[k - keys] == 0)
                *(size_t *) ((char *) base + k->count_offset) = 0;

        if (lines[k - keys] == 0)
                lines[k - keys] = p->line;
        return key_set(p, k, base, value);
}

/* Gives every key a [policy PATTERN] section left out its [policy] value. */
static void parser_resolve_policies(struct parser *p) {
        struct config *c = &p->config;

        for (size_t i = 0; i < c->n_policies; i++)
                for (size_t j = 0; j < N_POLICY_KEYS; j++) {
                        const struct key *k = &policy_keys[j];

                        if (p->policy_lines_of[i][j] > 0)
                                continue;
                        memcpy((char *) &c->policies[i] + k->offset,
                               (const char *) &c->defaults + k->offset, k->size);
                }
}

/* Checks that involve more than one key, reported at the line of the later one. */
static void parser_check_config(struct parser *p) {
        const struct config *c = &p->config;
        size_t idle, sample;
        unsigned line;

        idle = (size_t) (key_find(forkstop_keys, N_FORKSTOP_KEYS, "idle_interval_msec") - forkstop_keys);
        sample = (size_t) (key_find(forkstop_keys, N_FORKSTOP_KEYS, "sample_interval_msec") -
                           forkstop_keys);
        line = MAX(p->forkstop_lines[idle], p->forkstop_lines[sample]);
        if (c->idle_interval_msec < c->sample_interval_msec)
                parser_fail_at(p, line,
                               "'idle_interval_msec' must be at least 'sample_interval_msec' (%u), got %u",
                               c->sample_interval_msec, c->idle_interval_msec);
}

static void errbuf_printf(char *errbuf, size_t errsize, const char *fmt, ...) _printf_(3, 4);

static void errbuf_printf(char *errbuf, size_t errsize, const char *fmt, ...) {
        va_list ap;

        if (!errbuf || errsize == 0)
                return;

        va_start(ap, fmt);
        (void) vsnprintf(errbuf, errsize, fmt, ap);
        va_end(ap);
}

int config_load_string(const char *name, const char *text, struct config *ret, char *errbuf,
                       size_t errsize) {
        _cleanup_free_ struct parser *p = NULL;
        int r;

        assert(name);
        assert(text);
        assert(ret);

        if (strlen(name) >= sizeof(ret->path)) {
                errbuf_printf(errbuf, errsize, "%.64s...: File name too long", name);
                return -ENAMETOOLONG;
        }

        p = calloc(1, sizeof(*p));
        if (!p) {
                errbuf_printf(errbuf, errsize, "%s: %s", name, strerror(ENOMEM));
                return -ENOMEM;
        }

        config_init_defaults(&p->config);
        memcpy(p->config.path, name, strlen(name) + 1);
        p->next = text;
        if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
                p->next += 3; /* a UTF-8 byte order mark, as some editors write */

        r = ini_parse_stream(parser_read_line, p, parser_handle_key, p);
        if (r == -2) {
                errbuf_printf(errbuf, errsize, "%s: %s", name, strerror(ENOMEM));
                return -ENOMEM; /* inih built to allocate its line buffer */
        }
        if (r > 0 && p->error_line == 0)
                parser_fail_at(p, (unsigned) r, "syntax error"); /* not expected: we scan first */
        if (p->error_line == 0) {
                parser_resolve_policies(p);
                parser_check_config(p);
        }
        if (p->error_line > 0) {
                errbuf_printf(errbuf, errsize, "%s:%u: %s", name, p->error_line, p->error);
                return -EINVAL;
        }

        *ret = p->config;
        return 0;
}

int config_load(const char *path, struct config *ret, char *errbuf, size_t errsize) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        assert(path);
        assert(ret);

        r = fileio_read_full_at(AT_FDCWD, path, CONFIG_FILE_MAX, &text, &len);
        if (r < 0) {
                errbuf_printf(errbuf, errsize, "%s: %s", path, strerror(-r));
                return r;
        }

        if (strlen(text) != len) {
                unsigned line = 1;

                for (const char *c = text; *c; c++)
                        line += *c == '\n';
                errbuf_printf(errbuf, errsize, "%s:%u: line contains a NUL byte", path, line);
                return -EINVAL;
        }

        return config_load_string(path, text, ret, errbuf, errsize);
}

static void key_print(const struct key *k, const void *base, FILE *f) {
        const void *field = (const char *) base + k->offset;

        switch (k->type) {
        case KEY_PATTERNS: {
                const char (*list)[CONFIG_PATTERN_MAX] = field;
                size_t n = *(const size_t *) ((const char *) base + k->count_offset);

                /* One line per pattern: a long list would not fit on one line. */
                if (n == 0)
                        fprintf(f, "# %s = (none)\n", k->name);
                for (size_t i = 0; i < n; i++)
                        fprintf(f, "%s = %s\n", k->name, list[i]);
                break;
        }
        case KEY_PATH:
                fprintf(f, "%s = %s\n", k->name, (const char *) field);
                break;
        case KEY_BOOL:
                fprintf(f, "%s = %s\n", k->name, *(const bool *) field ? "yes" : "no");
                break;
        case KEY_UNSIGNED:
                fprintf(f, "%s = %u\n", k->name, *(const unsigned *) field);
                break;
        case KEY_ACTION:
                fprintf(f, "%s = %s\n", k->name, action_to_string(*(const enum action *) field));
                break;
        case KEY_SCOPE:
                fprintf(f, "%s = %s\n", k->name, scope_to_string(*(const enum scope *) field));
                break;
        }
}

static void policy_print(const struct policy *p, FILE *f) {
        if (p->pattern[0])
                fprintf(f, "\n[policy %s]\n", p->pattern);
        else
                fprintf(f, "\n[policy]\n");

        for (size_t i = 0; i < N_POLICY_KEYS; i++)
                key_print(&policy_keys[i], p, f);
}

void config_print(const struct config *c, FILE *f) {
        assert(c);
        assert(f);

        if (c->path[0])
                fprintf(f, "# effective configuration from %s\n", c->path);
        else
                fprintf(f, "# effective configuration: built-in defaults\n");

        fprintf(f, "[forkstop]\n");
        for (size_t i = 0; i < N_FORKSTOP_KEYS; i++)
                key_print(&forkstop_keys[i], c, f);

        policy_print(&c->defaults, f);
        for (size_t i = 0; i < c->n_policies; i++)
                policy_print(&c->policies[i], f);
}

bool config_pattern_match(const char *pattern, const char *cgroup_path) {
        size_t len;

        assert(pattern);
        assert(cgroup_path);

        if (pattern_is_glob(pattern))
                return fnmatch(pattern, cgroup_path, 0) == 0;

        if (strcmp(pattern, "/") == 0)
                return cgroup_path[0] == '/';

        /* A plain pattern is a subtree: itself, and below it on a component boundary. */
        len = strlen(pattern);
        return strncmp(pattern, cgroup_path, len) == 0 &&
               (cgroup_path[len] == '\0' || cgroup_path[len] == '/');
}

enum scope policy_scope_for(const struct policy *p, const char *cgroup_path) {
        assert(p);
        assert(cgroup_path);

        if (p->scope != SCOPE_AUTO)
                return p->scope;

        /* Login sessions share user-1000.slice and session scopes with everything the user runs:
         * freezing the whole cgroup would take the user's shell down with the bomb. */
        return config_pattern_match("/user.slice", cgroup_path) ? SCOPE_LINEAGE : SCOPE_CGROUP;
}

const struct policy *config_policy_for(const struct config *c, const char *cgroup_path) {
        assert(c);
        assert(cgroup_path);

        for (size_t i = 0; i < c->n_policies; i++)
                if (config_pattern_match(c->policies[i].pattern, cgroup_path))
                        return &c->policies[i];

        return &c->defaults;
}

static bool match_any(const char (*list)[CONFIG_PATTERN_MAX], size_t n, const char *cgroup_path) {
        for (size_t i = 0; i < n; i++)
                if (config_pattern_match(list[i], cgroup_path))
                        return true;
        return false;
}

bool config_is_exempt(const struct config *c, const char *cgroup_path) {
        assert(c);
        assert(cgroup_path);

        return match_any(c->exempt, c->n_exempt, cgroup_path);
}

bool config_is_watched(const struct config *c, const char *cgroup_path) {
        assert(c);
        assert(cgroup_path);

        return match_any(c->watch, c->n_watch, cgroup_path);
}
