# tests/integration/hooks.mk: the test copy of the cleaner with its test
# hooks (-DDC_TEST_HOOKS), built by the Makefile's own rules and flags:
#   make -f tests/integration/hooks.mk SANITIZE=0 TLS=0 B=build/hooks \
#       PROG=build/hooks/docker-cleaner build/hooks/docker-cleaner
# The hooks, read from the environment of that copy only (never compiled
# into the program `make` builds):
#   DC_TEST_DEFAULT_CONFIG=PATH  the default config file (opts.c)
#   DC_TEST_IDLE_DELAY_MS=N      sleep N ms between the stop-flag check and
#                                an endless wait on the event stream,
#                                after logging "test hook: delay" (conn.c)
#   DC_TEST_DELAY_MS=N           the same before every wait
include Makefile
CPPFLAGS += -DDC_TEST_HOOKS
