package dev.sluice.testkit;

import java.nio.file.Path;

/** Renders the nginx.conf of an {@link Nginx}: every path inside the prefix or the root. */
final class NginxConfig {

    private NginxConfig() {}

    static String render(Nginx.Options options, Path root, int port, int tlsPort, TestCertificates.PemFiles pem) {
        // Workers of a root master run as "nobody" unless told otherwise, and could not read a
        // temporary directory only its owner may enter; as any other user this would be ignored.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        StringBuilder servers = new StringBuilder(server(options, root, "listen 127.0.0.1:" + port + ";", ""));
        if (pem != null) {
            servers.append(server(options, root, "listen 127.0.0.1:" + tlsPort + " ssl;", """
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        ssl_protocols TLSv1.2 TLSv1.3;
                """.formatted(quote(pem.certificate()), quote(pem.privateKey()))));
        }
        return user + """
                worker_processes 1;
                daemon off;
                master_process on;
                pid logs/nginx.pid;
                lock_file logs/nginx.lock;
                error_log logs/error.log notice;

                events {
                    worker_connections 1024;
                }

                http {
                    types {
                        text/html html htm;
                        text/plain txt log;
                        text/css css;
                        text/csv csv;
                        application/javascript js;
                        application/json json;
                        application/xml xml;
                        application/gzip gz;
                        application/octet-stream bin;
                    }
                    default_type application/octet-stream;
                    log_format sluice '$connection\t$connection_requests\t$request\t$status\t$body_bytes_sent\t$scheme';
                    access_log logs/access.log sluice;
                    client_body_temp_path temp/client_body;
                    proxy_temp_path temp/proxy;
                    fastcgi_temp_path temp/fastcgi;
                    uwsgi_temp_path temp/uwsgi;
                    scgi_temp_path temp/scgi;
                    sendfile on;
                    keepalive_timeout %ds;
                    keepalive_requests %d;
                    gzip on;
                    gzip_min_length 1;
                    gzip_vary on;
                    gzip_types text/plain text/css text/csv application/javascript application/json application/xml;

                %s}
                """.formatted(options.keepaliveTimeoutSeconds(), options.keepaliveRequestCount(), servers);
    }

    private static String server(Nginx.Options options, Path root, String listen, String tls) {
        StringBuilder server = new StringBuilder()
                .append("    server {\n")
                .append("        ").append(listen).append('\n')
                .append("        server_name localhost 127.0.0.1;\n")
                .append("        root ").append(quote(root)).append(";\n")
                .append(tls);
        if (options.limitRateBytesPerSecond() > 0) {
            server.append("        limit_rate ").append(options.limitRateBytesPerSecond()).append(";\n");
        }
        for (String directives : options.serverDirectives()) {
            server.append("        ").append(directives).append('\n');
        }
        return server.append("    }\n").toString();
    }

    private static String quote(Path path) {
        return '"' + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
