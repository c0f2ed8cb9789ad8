# Aliases for ./dev, which needs nothing but bash and Python 3.11+.
.PHONY: run test lint migrations-check
run:
	./dev run
test:
	./dev test $(PYTEST_ARGS)
lint:
	./dev lint
migrations-check:
	./dev migrations-check
