# Build: docker build -t openred .   Run: docker run -p 8080:8080 -v openred-data:/data openred
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
COPY webroot webroot
COPY conf conf
RUN mvn -q -B package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /data openred && mkdir -p /data /app/conf && chown openred /data
COPY --from=build /src/target/openred.jar /app/openred.jar
COPY conf/cluster.xml /app/conf/cluster.xml
WORKDIR /app
USER openred
VOLUME /data
EXPOSE 8080
ENV OPENRED_DATA=/data \
    OPENRED_HTTP_HOST=0.0.0.0 \
    OPENRED_CLUSTER_CONFIG=/app/conf/cluster.xml \
    JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m"
HEALTHCHECK --interval=30s --timeout=3s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /api/v1/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["java", "-jar", "/app/openred.jar"]
