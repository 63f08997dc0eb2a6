#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

namespace fallback::ui {

/// Typed access to the console's QSettings (STYLE §12): window layout, recent
/// scenarios, preferences. Never holds secrets. GUI thread.
class Preferences {
public:
    enum class Theme { System, Light, Dark };

    Preferences();

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& value);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& value);
    QByteArray splitterState() const;
    void setSplitterState(const QByteArray& value);

    /// Most recent first, at most kMaxRecent, only files that still exist.
    QStringList recentScenarios() const;
    void addRecentScenario(const QString& path);
    static constexpr int kMaxRecent = 8;

    Theme theme() const;
    void setTheme(Theme theme);
    /// Index into ScenarioPage::speeds() a new workspace starts with.
    double defaultSpeed() const;
    void setDefaultSpeed(double speed);
    QString lastDirectory() const;
    void setLastDirectory(const QString& path);
    /// 8 hex digits naming this installation of the console, made and kept
    /// at the first call: it tells this console's actions from others' in a
    /// deployment's audit log (LiveWorkspace::clientName()). Not a secret.
    QString clientId();

private:
    QSettings m_settings;
};

} // namespace fallback::ui
