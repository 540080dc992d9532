// Package configprovider resolves the ${provider:path:key} placeholders of
// Kafka's config providers (KIP-297), so that a worker or connector file
// names a secret instead of holding it:
//
//	# worker.properties
//	config.providers=env,file,directory
//	config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
//	config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
//	config.providers.file.param.allowed.paths=/etc/connect/secrets
//	config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
//
//	# a connector file
//	aws.secret.access.key=${file:/etc/connect/secrets/s3.properties:secret}
//	sasl.jaas.config=... password="${env:KAFKA_PASSWORD}";
//	http.auth.password=${directory:/run/secrets:http-password}
//
// # Providers
//
// config.providers lists provider names; config.providers.<name>.class
// names each one's class, and config.providers.<name>.param.* are its
// settings, prefix stripped. The classes are Kafka's three, by full class
// name, simple class name or the simple name without ConfigProvider
// ("FileConfigProvider", "File"), as Kafka Connect accepts plugin aliases:
//
//   - EnvVarConfigProvider: ${env:NAME} is the environment variable NAME,
//     read when the providers are made. Param allowlist.pattern, a regular
//     expression the whole name must match, limits which variables it
//     gives. A path (${env:p:NAME}) is an error, as in Kafka.
//   - FileConfigProvider: ${file:/path/f.properties:key} is key's value in a
//     Java .properties file, read as UTF-8 when the placeholder is
//     resolved.
//   - DirectoryConfigProvider: ${directory:/dir:name} is the whole content
//     of the regular file name in /dir (symbolic links followed, as in a
//     Kubernetes secret volume), read as UTF-8. Subdirectories and names
//     not listed in /dir ("../x", "a/b") are never read.
//
// The file and directory providers take param allowed.paths, a
// comma-separated list of absolute paths that must exist: a placeholder
// whose path, once "." and ".." are removed, is not under one of them is
// not resolved (and a warning names the path). [WithClass] adds providers
// of your own.
//
// # Resolution
//
// Resolution is Kafka's ConfigTransformer: every value is scanned for
// ${provider:[path:]key} (the key may contain colons; the path is what lies
// between the first and the last colon before the key, as Kafka's regular
// expression splits it); each provider is asked once per path for all the
// keys asked of it there; each placeholder is replaced by its value. A
// placeholder is left as it is when its provider is not configured or when
// the provider has no value for its key (a variable that is not set, a
// key the file lacks, a path not allowed). A provider that fails (an
// unreadable file, a path given to the env provider) fails the whole
// resolution, with an error naming the provider and path, never a value.
//
// [Providers.Resolve] resolves a connector's configuration with the
// providers of the worker configuration, as Kafka Connect does when it
// starts a connector and its tasks; the configuration a REST API shows
// keeps its placeholders. [ResolveWorker] resolves the worker configuration
// itself with the providers it defines, as Kafka's AbstractConfig does.
// Kafka's TTLs and config.action.reload are not supported: none of Kafka's
// three providers sets a TTL, and values are read again only when a
// connector is started again. docs/compat/config-providers.md lists every
// difference from Kafka, each tested against Kafka's own classes.
package configprovider
