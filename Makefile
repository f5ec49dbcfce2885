# The two commands of the README:
#   make demo   builds, starts the local sandbox and the watcher on samples/, drops the sample files
#   make test   runs every test: unit tests and end-to-end tests of the real binaries
SWIFT ?= swift

.PHONY: deps test-deps build demo test clean

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

clean:
	rm -rf .build demo .venv
