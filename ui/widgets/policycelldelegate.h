#pragma once

#include "models/namespacetablemodel.h"

#include <QComboBox>
#include <QPointer>
#include <QStyledItemDelegate>

namespace fallback::ui {

/// The Namespaces table's editors. Write mode is one of two words: offer
/// them in a combo box instead of a free text field (the combo's user
/// property, currentText, carries the value). Remembers the open editor, so
/// that the page can commit it when Apply or Save is pressed while a cell is
/// being edited.
class PolicyCellDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget* openEditor() const { return m_editor; }

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override
    {
        if (index.column() != NamespaceTableModel::WriteMode)
            return m_editor = QStyledItemDelegate::createEditor(parent, option, index);
        auto* combo = new QComboBox(parent);
        combo->setObjectName(QStringLiteral("writeModeEditor"));
        for (auto mode : {fallback::WriteMode::WriteThrough, fallback::WriteMode::AsyncBackfill})
            combo->addItem(QString::fromUtf8(writeModeName(mode)));
        return m_editor = combo;
    }
    void destroyEditor(QWidget* editor, const QModelIndex& index) const override
    {
        if (editor == m_editor)
            m_editor = nullptr;
        QStyledItemDelegate::destroyEditor(editor, index);
    }

private:
    mutable QPointer<QWidget> m_editor;
};

} // namespace fallback::ui
