#include "models/policyundocommands.h"

#include "models/namespacetablemodel.h"

namespace fallback::ui {

namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

} // namespace

EditFieldCommand::EditFieldCommand(NamespaceTableModel* model, NamespacePolicy before,
                                   NamespacePolicy after, PolicyField field)
    : m_model(model), m_before(std::move(before)), m_after(std::move(after)), m_field(field)
{
    setText(field == PolicyField::Name
                ? QObject::tr("Rename %1 to %2").arg(fromStd(m_before.name), fromStd(m_after.name))
                : QObject::tr("Set %1 %2 to %3")
                      .arg(fromStd(m_before.name), fromStd(std::string(policyFieldKey(field))),
                           fromStd(formatPolicyField(m_after, field))));
}

void EditFieldCommand::redo()
{
    const int row = m_model->rowOf(m_before.name);
    if (row >= 0)
        m_model->assignField(row, m_field, m_after);
}

void EditFieldCommand::undo()
{
    const int row = m_model->rowOf(m_after.name);
    if (row >= 0)
        m_model->assignField(row, m_field, m_before);
}

AddNamespaceCommand::AddNamespaceCommand(NamespaceTableModel* model, int row, NamespacePolicy ns)
    : m_model(model), m_row(row), m_ns(std::move(ns))
{
    setText(QObject::tr("Add namespace %1").arg(fromStd(m_ns.name)));
}

void AddNamespaceCommand::redo()
{
    // The applied policy may have brought a namespace of that name meanwhile.
    if (m_model->rowOf(m_ns.name) < 0)
        m_model->insertNamespace(m_row, m_ns);
}

void AddNamespaceCommand::undo()
{
    const int row = m_model->rowOf(m_ns.name);
    if (row >= 0)
        m_model->removeNamespace(row);
}

RemoveNamespaceCommand::RemoveNamespaceCommand(NamespaceTableModel* model, int row,
                                               NamespacePolicy ns, QUndoCommand* parent)
    : QUndoCommand(parent), m_model(model), m_row(row), m_ns(std::move(ns))
{
    setText(QObject::tr("Remove namespace %1").arg(fromStd(m_ns.name)));
}

void RemoveNamespaceCommand::redo()
{
    const int row = m_model->rowOf(m_ns.name);
    if (row < 0)
        return;
    // Keep the row as it is now: undo must restore what was removed,
    // including values followed from the applied policy since.
    m_ns = m_model->policy().namespaces[static_cast<std::size_t>(row)];
    m_row = row;
    m_model->removeNamespace(row);
}

void RemoveNamespaceCommand::undo()
{
    if (m_model->rowOf(m_ns.name) < 0)
        m_model->insertNamespace(m_row, m_ns);
}

ReplacePolicyCommand::ReplacePolicyCommand(NamespaceTableModel* model, Policy before, Policy after,
                                           const QString& text)
    : m_model(model), m_before(std::move(before)), m_after(std::move(after))
{
    setText(text);
}

void ReplacePolicyCommand::redo() { m_model->replacePolicy(m_after); }

void ReplacePolicyCommand::undo() { m_model->replacePolicy(m_before); }

} // namespace fallback::ui
