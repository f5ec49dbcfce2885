# The two commands of the README:
#   make demo   builds, starts the local sandbox and the watcher on samples/, drops the sample files
#   make test   runs every test: unit tests and end-to-end tests of the real binaries
# and, for CI:
#   make fuzz-smoke   fuzzes each harness of Fuzz/Harness for FUZZ_SECONDS (20) from its seeds
SWIFT ?= swift

.PHONY: deps test-deps build demo test deb deb-smoke man fuzz-smoke clean

FUZZ_SECONDS ?= 20
FUZZ_TARGETS = csv csvgz jsonl json config arrow

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/test-deps.sh

build: deps
	$(SWIFT) build

demo: build
	@scripts/demo.sh

test: deps test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# openlayer-drop_<version>_<arch>.deb in .build/deb, the Swift runtime linked in (deploy/README.md).
deb: deps man
	$(SWIFT) build -c release --product openlayer-drop --static-swift-stdlib
	@scripts/build-deb.sh

# Installs that package here, runs it as its system user against the sandbox, and purges it:
# root only, and it leaves the openlayer-drop system user behind (scripts/deb-smoke.sh).
deb-smoke: deb
	$(SWIFT) build --product openlayer-sandbox
	@scripts/deb-smoke.sh

# The manual pages of openlayer-drop and openlayer-sandbox, from their help texts
# (swift-argument-parser's generate-manual plugin), in .build/plugins/GenerateManual/outputs/.
man:
	$(SWIFT) package generate-manual

fuzz-smoke: deps
	@for target in $(FUZZ_TARGETS); do scripts/fuzz.sh $$target $(FUZZ_SECONDS) || exit 1; done

clean:
	rm -rf .build demo .venv
