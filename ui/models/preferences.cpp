#include "models/preferences.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace fallback::ui {

namespace {
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSplitter = QStringLiteral("window/splitter");
const QString kRecent = QStringLiteral("files/recentScenarios");
const QString kLastDirectory = QStringLiteral("files/lastDirectory");
const QString kClientId = QStringLiteral("live/clientId");
const QString kTheme = QStringLiteral("appearance/theme");
const QString kSpeed = QStringLiteral("simulation/defaultSpeed");
} // namespace

Preferences::Preferences() = default;

QByteArray Preferences::windowGeometry() const { return m_settings.value(kGeometry).toByteArray(); }
void Preferences::setWindowGeometry(const QByteArray& value) { m_settings.setValue(kGeometry, value); }
QByteArray Preferences::windowState() const { return m_settings.value(kState).toByteArray(); }
void Preferences::setWindowState(const QByteArray& value) { m_settings.setValue(kState, value); }
QByteArray Preferences::splitterState() const { return m_settings.value(kSplitter).toByteArray(); }
void Preferences::setSplitterState(const QByteArray& value) { m_settings.setValue(kSplitter, value); }

QStringList Preferences::recentScenarios() const
{
    QStringList existing;
    for (const QString& path : m_settings.value(kRecent).toStringList()) {
        if (QFileInfo::exists(path))
            existing << path;
    }
    return existing;
}

void Preferences::addRecentScenario(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = m_settings.value(kRecent).toStringList();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    m_settings.setValue(kRecent, recent);
}

Preferences::Theme Preferences::theme() const
{
    const QString value = m_settings.value(kTheme).toString();
    if (value == QLatin1String("light"))
        return Theme::Light;
    if (value == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

void Preferences::setTheme(Theme theme)
{
    m_settings.setValue(kTheme, theme == Theme::Light  ? QStringLiteral("light")
                                : theme == Theme::Dark ? QStringLiteral("dark")
                                                       : QStringLiteral("system"));
}

double Preferences::defaultSpeed() const { return m_settings.value(kSpeed, 10.0).toDouble(); }
void Preferences::setDefaultSpeed(double speed) { m_settings.setValue(kSpeed, speed); }
QString Preferences::clientId()
{
    QString id = m_settings.value(kClientId).toString();
    static const QRegularExpression valid(QStringLiteral("^[0-9a-f]{8}$"));
    if (!valid.match(id).hasMatch()) {
        id = QStringLiteral("%1").arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
        m_settings.setValue(kClientId, id);
    }
    return id;
}

QString Preferences::lastDirectory() const { return m_settings.value(kLastDirectory).toString(); }
void Preferences::setLastDirectory(const QString& path) { m_settings.setValue(kLastDirectory, path); }

} // namespace fallback::ui
