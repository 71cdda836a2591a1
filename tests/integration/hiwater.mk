# tests/integration/hiwater.mk: the test copy of the cleaner with the
# high-water painting (-DDC_HIWATER, src/hiwater.c), built by the
# Makefile's own rules and flags:
#   make -f tests/integration/hiwater.mk SANITIZE=0 TLS=0 B=build/hiwater \
#       PROG=build/hiwater/docker-cleaner build/hiwater/docker-cleaner
# With DOCKER_CLEANER_HIGHWATER set in its environment, that copy reports
# the high-water marks at exit and exits 3 if a bound was exceeded (see
# src/hiwater.h). The program `make` builds has none of it.
include Makefile
CPPFLAGS += -DDC_HIWATER
OBJ += $(B)/hiwater.o
$(PROG): $(B)/hiwater.o
