# tests/hostile/build.mk: the test copies of the cleaner for the hostile
# tests, built by the Makefile's own rules and flags, with a short reply
# timeout so that the silent cases end fast (test_tls.sh builds one with
# TLS=1 and HOSTILE_TIMEOUT_MS=1000 the same way):
#   make -f tests/hostile/build.mk SANITIZE=0 TLS=0 B=build/hostile \
#       PROG=build/hostile/docker-cleaner build/hostile/docker-cleaner
include Makefile
HOSTILE_TIMEOUT_MS = 2000
CPPFLAGS += -DREPLY_TIMEOUT_MS=$(HOSTILE_TIMEOUT_MS) $(HOSTILE_DEFS)
