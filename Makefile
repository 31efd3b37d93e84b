# SPDX-License-Identifier: MIT
# forkstop: plain make. CFLAGS/LDFLAGS are yours; project flags sit beside them.
# make            build the daemon (build/forkstopd)
# make check      unit tests, then integration tests (root and real cgroups)
# make unit       unit tests only
# make san        build and run the unit and integration tests under ASan and UBSan
# make bench      benchmarks (root)
# make check-vm   end-to-end tests under a real systemd in a throwaway qemu VM (root)
# make install    PREFIX, DESTDIR, SYSCONFDIR, UNITDIR as usual
# V=1 shows the commands.

VERSION := 0.1.0
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
UNITDIR ?= /etc/systemd/system
CATALOGDIR ?= /usr/lib/systemd/catalog
DOCDIR ?= $(PREFIX)/share/doc/forkstop
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
BUILD ?= build

PKGS := libsystemd libcgroup inih
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

FS_CFLAGS := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter -fno-strict-aliasing -D_GNU_SOURCE -MMD -MP \
	-DFORKSTOP_VERSION='"$(VERSION)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' -Ilib $(PKG_CFLAGS)

ifeq ($(SAN),1)
FS_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
DAEMON_SRC := $(wildcard daemon/*.c)
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test-*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HELPER_SRC := $(wildcard tests/workloads/*.c)
HELPER_BIN := $(HELPER_SRC:tests/workloads/%.c=$(BUILD)/workloads/%)

.DEFAULT_GOAL := all
.PHONY: all unit check integration san bench check-vm check-all install uninstall clean lint deps

# Debian packages to build, test and benchmark on the host; tests/vm/check-vm.sh installs
# what the VM needs itself.
DEB_PKGS := gcc make pkg-config libsystemd-dev libcgroup-dev libinih-dev check python3 \
	procps bash coreutils findutils

deps:
	$(Q)missing=; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $$missing; \
	fi

all: $(BUILD)/forkstopd $(HELPER_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(FS_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libforkstop.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/forkstopd: $(DAEMON_OBJ) $(BUILD)/libforkstop.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libforkstop.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(FS_CFLAGS) $(CHECK_CFLAGS) -DFIXTURES='"$(CURDIR)/tests/fixtures"' $(CFLAGS) \
		$(LDFLAGS) -o $@ $< $(BUILD)/libforkstop.a $(PKG_LIBS) $(CHECK_LIBS)

$(BUILD)/workloads/%: tests/workloads/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -O2 -Wall -Wextra -D_GNU_SOURCE $(CFLAGS) -o $@ $< -lpthread

unit: $(TEST_BIN)
	$(Q)fail=0; for t in $(TEST_BIN); do $$t || fail=1; done; exit $$fail

integration: $(BUILD)/forkstopd $(HELPER_BIN)
	$(Q)FORKSTOPD=$(CURDIR)/$(BUILD)/forkstopd WORKLOADS=$(CURDIR)/$(BUILD)/workloads \
		tests/integration/run.sh

check: unit integration

# Everything CI runs: host tests, the same under sanitizers, then the VM suite.
check-all:
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory san
	$(Q)$(MAKE) --no-print-directory check-vm

san:
	$(Q)$(MAKE) --no-print-directory BUILD=build-san SAN=1 check

bench: $(BUILD)/forkstopd $(HELPER_BIN)
	$(Q)FORKSTOPD=$(CURDIR)/$(BUILD)/forkstopd WORKLOADS=$(CURDIR)/$(BUILD)/workloads bench/run.sh

check-vm: $(BUILD)/forkstopd
	$(Q)tests/vm/check-vm.sh

install: $(BUILD)/forkstopd
	install -D -m 0755 $(BUILD)/forkstopd $(DESTDIR)$(SBINDIR)/forkstopd
	test -e $(DESTDIR)$(SYSCONFDIR)/forkstop/forkstop.conf || \
		install -D -m 0644 conf/forkstop.conf $(DESTDIR)$(SYSCONFDIR)/forkstop/forkstop.conf
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g; s|@DOCDIR@|$(DOCDIR)|g' systemd/forkstop.service.in \
		> $(BUILD)/forkstop.service
	install -D -m 0644 $(BUILD)/forkstop.service $(DESTDIR)$(UNITDIR)/forkstop.service
	install -D -m 0644 systemd/forkstop.catalog $(DESTDIR)$(CATALOGDIR)/forkstop.catalog
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/forkstopd $(DESTDIR)$(UNITDIR)/forkstop.service \
		$(DESTDIR)$(CATALOGDIR)/forkstop.catalog

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr -Ilib lib daemon
	clang-tidy --quiet --warnings-as-errors='*' $(LIB_SRC) $(DAEMON_SRC) -- $(FS_CFLAGS)

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(DAEMON_OBJ:.o=.d) $(TEST_BIN:=.d)
