// Package rest serves Kafka Connect's REST API over a [worker.Herder], so
// that the tools that speak it (curl scripts, kcctl, Kafka UI, Terraform
// providers, operators) manage connectkit workers unchanged: the same
// paths, methods, status codes and JSON shapes as Kafka Connect 4.x.
//
// [NewHandler] returns an [net/http.Handler]; connect-standalone serves it
// on the worker's listeners (see [worker.Options.API]), and a program that
// embeds a worker mounts it on its own server. [Routes] lists the
// endpoints; docs/rest.md, generated from it, is the reference, and
// docs/compat/rest.md lists where this API deliberately differs from Kafka
// Connect's.
//
// # Errors
//
// Every error is Kafka Connect's {"error_code": N, "message": "..."}:
// 404 for an unknown connector, task or path, 409 when a connector exists
// already or the worker is busy starting or stopping, 400 for a malformed
// request or an invalid configuration (the message lists every problem),
// 413 for a body over [Options.MaxBodyBytes], 500 otherwise.
//
// # Secrets
//
// Values of PASSWORD settings are shown as "[hidden]" in every response
// (configurations, task configurations, validation results); a config
// provider placeholder such as ${file:/secrets.properties:password} is
// shown as written, since it holds no secret.
//
// # Log levels
//
// GET and PUT /admin/loggers read and set the levels of a [Loggers], which
// filters the program's slog handler ([Loggers.Handler]) by the logger a
// record names in its [LoggerAttr] attribute, log4j's levels mapped to
// slog's.
package rest
