package org.sessionregistry.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A DataSource that records every SQL statement executed through it, exactly. */
final class CountingDataSource implements DataSource {
  private final DataSource target;
  private final List<String> executed = new CopyOnWriteArrayList<>();
  private final List<Thread> executedOn = new CopyOnWriteArrayList<>();

  CountingDataSource(DataSource target) {
    this.target = target;
  }

  /** The statements executed since the last call, and starts counting afresh. */
  synchronized List<String> takeExecuted() {
    List<String> copy = List.copyOf(executed);
    executed.clear();
    executedOn.clear();
    return copy;
  }

  /** The statements executed on {@code thread} since the last take; the other threads' stay to be taken. */
  synchronized List<String> takeExecutedOn(Thread thread) {
    List<String> on = new java.util.ArrayList<>();
    for (int i = executed.size() - 1; i >= 0; i--) {
      if (executedOn.get(i) == thread) {
        on.add(0, executed.remove(i));
        executedOn.remove(i);
      }
    }
    return on;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return connection(target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return connection(target.getConnection(username, password));
  }

  private Connection connection(Connection c) {
    return proxy(
        Connection.class,
        c,
        (method, args, result) -> {
          if (result instanceof Statement s) {
            String sql =
                args != null && args.length > 0 && args[0] instanceof String text
                    ? text
                    : "<statement>";
            Class<? extends Statement> type = method.getReturnType().asSubclass(Statement.class);
            return statement(type, s, sql);
          }
          return result;
        });
  }

  private <S extends Statement> Object statement(Class<S> type, Statement s, String preparedSql) {
    return proxy(
        type,
        type.cast(s),
        (method, args, result) -> result,
        (method, args) -> {
          if (method.getName().startsWith("execute")) {
            record(
                args != null && args.length > 0 && args[0] instanceof String sql
                    ? sql
                    : preparedSql);
          }
        });
  }

  private synchronized void record(String sql) {
    executed.add(sql);
    executedOn.add(Thread.currentThread());
  }

  private interface After {
    Object apply(java.lang.reflect.Method method, Object[] args, Object result) throws Exception;
  }

  private interface Before {
    void accept(java.lang.reflect.Method method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, T target, After after) {
    return proxy(type, target, after, (m, a) -> {});
  }

  private static <T> T proxy(Class<T> type, T target, After after, Before before) {
    InvocationHandler handler =
        (p, method, args) -> {
          before.accept(method, args);
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          return after.apply(method, args, result);
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return target.isWrapperFor(iface);
  }
}
