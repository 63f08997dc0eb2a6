#pragma once

#include <QPointer>
#include <QScrollArea>
#include <QStringList>

class QLabel;

namespace fallback::ui {

class Workspace;

/// What a workspace's deployment warns about (Workspace::warnings(): a live
/// node's health `warnings`), in an amber banner (Banner::Tone::Warn): "The
/// node warns:" and one item per warning, word-wrapped and selectable, shown
/// as the plain text they are whatever characters they hold. As tall as its
/// text up to about kMaxLines lines, then it scrolls, so that many or long
/// warnings never squeeze the page under it. Hidden when there are none.
///
/// Follows the workspace given to setWorkspace(): cleared when it changes,
/// updated with its warningsChanged(). Object names `warningBanner` (this)
/// and `warningText` (the label). GUI thread.
class WarningBanner : public QScrollArea {
    Q_OBJECT

public:
    /// Lines of text shown before the banner scrolls.
    static constexpr int kMaxLines = 8;

    explicit WarningBanner(QWidget* parent = nullptr);

    /// Shows `workspace`'s warnings from now on (not owned; may be null).
    void setWorkspace(Workspace* workspace);
    /// The warnings shown, as the workspace gave them.
    QStringList warnings() const { return m_warnings; }
    /// The label holding the text (rich text, every warning escaped).
    QLabel* label() const { return m_label; }

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

private:
    void setWarnings(const QStringList& warnings);

    QLabel* m_label = nullptr;
    QPointer<Workspace> m_workspace;
    QStringList m_warnings;
};

} // namespace fallback::ui
